package dev.portcullis.benchmarks;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.EntryType;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.RuleConstant;
import com.alibaba.csp.sentinel.slots.block.flow.param.ParamFlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.param.ParamFlowRuleManager;

/** Sentinel's hot-parameter flow control keyed by the client address, as a peer: one resource, a rule that never blocks. */
final class SentinelPeer {

  static final String RESOURCE = "check";

  private SentinelPeer() {}

  /** Loads a QPS rule on the first parameter high enough never to refuse. */
  static void load() {
    ParamFlowRule rule = new ParamFlowRule(RESOURCE).setParamIdx(0).setGrade(RuleConstant.FLOW_GRADE_QPS)
        .setCount(1_000_000_000);
    ParamFlowRuleManager.loadRules(java.util.List.of(rule));
  }

  /** One request from {@code ip}: entry and exit; false if Sentinel refused it. */
  static boolean pass(String ip) {
    Entry e;
    try {
      e = SphU.entry(RESOURCE, EntryType.IN, 1, ip);
    } catch (BlockException blocked) {
      return false;
    }
    e.exit(1, ip);
    return true;
  }
}
