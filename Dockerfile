# Image of the Portcullis runnable jar, used by compose.yaml. Build the jar first: ./mvnw -DskipTests package -pl portcullis-app -am
FROM eclipse-temurin:17-jre
WORKDIR /opt/portcullis
COPY portcullis-app/target/portcullis.jar ./portcullis.jar
COPY portcullis-app/target/lib ./lib
COPY config ./config
ENTRYPOINT ["java", "-jar", "/opt/portcullis/portcullis.jar"]
