# Image of the Portcullis runnable jar, used by compose.yaml. Build the jar first: ./mvnw -DskipTests package -pl dist -am
FROM eclipse-temurin:17-jre
WORKDIR /opt/portcullis
COPY dist/target/portcullis.jar ./portcullis.jar
COPY dist/target/lib ./lib
COPY config ./config
ENTRYPOINT ["java", "-jar", "/opt/portcullis/portcullis.jar"]
