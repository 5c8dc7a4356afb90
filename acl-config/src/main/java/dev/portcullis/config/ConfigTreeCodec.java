package dev.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.json.DocumentReader;
import dev.portcullis.json.InvalidDocumentException;
import dev.portcullis.json.Problems;
import dev.portcullis.keys.Identifiers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The whole configuration as one JSON document: the format of {@code config export}, {@code import},
 * {@code check} and the local snapshot file.
 *
 * <pre>
 * {"v":1,"version":123,
 *  "global":{"policy":{…},"limits":[limit…],"allow":[entry…],"deny":[entry…]},
 *  "apps":{"shop":{"policy":{…},"limits":[limit…],"allow":[…],"deny":[…]}}}
 * </pre>
 *
 * Reading checks every document inside with the same rules as the ZooKeeper store, reports every
 * problem with its JSON path, and refuses duplicates of the same block in one list.
 */
public final class ConfigTreeCodec {

  private final ConfigCodec codec;

  public ConfigTreeCodec(ConfigCodec codec) {
    this.codec = codec;
  }

  public ObjectNode tree(ConfigSnapshot s) {
    ObjectNode root = codec.json().object();
    root.put("v", 1);
    root.put("version", s.version());
    ObjectNode global = root.putObject("global");
    global.set("policy", codec.tree(s.global()));
    if (!s.globalLimits().isEmpty()) { // absent when empty: readers older than global limits refuse the field
      global.set("limits", limits(s.globalLimits()));
    }
    global.set("allow", entries(s.globalAllow()));
    global.set("deny", entries(s.globalDeny()));
    ObjectNode apps = root.putObject("apps");
    for (AppConfig a : new TreeMap<>(s.apps()).values()) {
      ObjectNode app = apps.putObject(a.app());
      app.set("policy", codec.tree(a.policy()));
      app.set("limits", limits(a.limits()));
      app.set("allow", entries(a.allow()));
      app.set("deny", entries(a.deny()));
    }
    return root;
  }

  public byte[] write(ConfigSnapshot s) {
    return codec.json().bytes(tree(s));
  }

  /** Compact JSON text of the tree. */
  public String text(ConfigSnapshot s) {
    return codec.json().text(tree(s));
  }

  /** Indented JSON text of the tree, for people. */
  public String pretty(ConfigSnapshot s) {
    return codec.json().pretty(tree(s));
  }

  private ArrayNode limits(List<LimitEntry> list) {
    ArrayNode arr = codec.json().mapper().createArrayNode();
    list.stream().sorted((x, y) -> x.cidr().toString().compareTo(y.cidr().toString())).forEach(l -> arr.add(codec.tree(l)));
    return arr;
  }

  private ArrayNode entries(List<ListEntry> list) {
    ArrayNode arr = codec.json().mapper().createArrayNode();
    list.stream().sorted((x, y) -> x.cidr().toString().compareTo(y.cidr().toString()))
        .forEach(e -> arr.add(codec.tree(e)));
    return arr;
  }

  /** @throws InvalidDocumentException listing every problem in the whole tree */
  public ConfigSnapshot read(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    JsonNode root = codec.json().parse(utf8, source);
    DocumentReader r = new DocumentReader(root, "", problems);
    r.integer("v", true, 1, 1);
    Long version = r.integer("version", false, 0, Long.MAX_VALUE);
    GlobalPolicy[] global = {GlobalPolicy.DEFAULT};
    List<ListEntry> gAllow = new ArrayList<>();
    List<ListEntry> gDeny = new ArrayList<>();
    List<LimitEntry> gLimits = new ArrayList<>();
    r.object("global", false, g -> {
      JsonNode p = g.raw("policy", false);
      if (p != null) {
        GlobalPolicy gp = codec.readGlobalPolicy(p, "global.policy", problems);
        if (gp != null) {
          global[0] = gp;
        }
      }
      gLimits.addAll(limitEntries(g, "global", problems));
      gAllow.addAll(listEntries(g, "global", "allow", problems));
      gDeny.addAll(listEntries(g, "global", "deny", problems));
      return null;
    });
    Map<String, AppConfig> apps = new TreeMap<>();
    JsonNode appsNode = r.raw("apps", false);
    if (appsNode != null) {
      if (!appsNode.isObject()) {
        problems.add("apps must be an object keyed by app name");
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = appsNode.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String name = e.getKey();
          String at = "apps." + name;
          if (!Identifiers.isApp(name)) {
            problems.add(at + ": app name must be " + Identifiers.APP_RULE);
            continue;
          }
          DocumentReader a = new DocumentReader(e.getValue(), at, problems);
          JsonNode p = a.raw("policy", false);
          AppPolicy policy = p == null ? AppPolicy.DEFAULT : codec.readAppPolicy(p, at + ".policy", problems);
          List<LimitEntry> limits = limitEntries(a, at, problems);
          List<ListEntry> allow = listEntries(a, at, "allow", problems);
          List<ListEntry> deny = listEntries(a, at, "deny", problems);
          a.finish();
          if (policy != null) {
            apps.put(name, new AppConfig(name, policy, limits, allow, deny));
          }
        }
      }
    }
    r.finish();
    problems.throwIfAny();
    return new ConfigSnapshot(global[0], gAllow, gDeny, gLimits, apps, version == null ? 0 : version);
  }

  private List<LimitEntry> limitEntries(DocumentReader r, String at, Problems problems) {
    List<LimitEntry> read = r.list("limits", false, Integer.MAX_VALUE, (n, path, pr) -> codec.readLimitEntry(n, path, pr));
    if (read == null) {
      return List.of();
    }
    checkUnique(read.stream().map(l -> l.cidr().toString()).toList(), at + ".limits", problems);
    return read;
  }

  private List<ListEntry> listEntries(DocumentReader r, String at, String field, Problems problems) {
    List<ListEntry> read = r.list(field, false, Integer.MAX_VALUE, (n, path, pr) -> codec.readListEntry(n, path, pr));
    if (read == null) {
      return List.of();
    }
    checkUnique(read.stream().map(e -> e.cidr().toString()).toList(), at + "." + field, problems);
    return read;
  }

  private static void checkUnique(List<String> cidrs, String at, Problems problems) {
    Set<String> seen = new HashSet<>();
    for (String c : cidrs) {
      if (!seen.add(c)) {
        problems.add(at + " lists " + c + " more than once");
      }
    }
  }
}
