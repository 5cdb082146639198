package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A TLS key for tests, made with the JDK's {@code keytool}: a PKCS12 keystore holding a new RSA key
 * and its self-signed certificate for {@code 127.0.0.1} (subject alternative names {@code
 * ip:127.0.0.1} and {@code dns:localhost}, so clients' hostname checks pass), and a PKCS12
 * truststore holding only that certificate. Each call makes a new key: a truststore of one never
 * trusts another.
 *
 * @param keystore the server's key and certificate
 * @param truststore what a client trusts to reach that server
 * @param password of both stores (and of the key)
 */
record TestTls(Path keystore, Path truststore, String password) {

  /** Makes a new key under {@code dir} (created if missing). */
  static TestTls generate(Path dir, String password) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path keystore = dir.resolve("server.p12");
    Path certificate = dir.resolve("server.crt");
    Path truststore = dir.resolve("truststore.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-keypass",
        password);
    keytool(
        "-exportcert",
        "-alias",
        "server",
        "-rfc",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-file",
        certificate.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "server",
        "-file",
        certificate.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        password);
    return new TestTls(keystore, truststore, password);
  }

  /** A Kafka client's settings to reach a listener with this key over SSL. */
  Map<String, String> clientProperties() {
    return Map.of(
        "security.protocol",
        "SSL",
        "ssl.truststore.type",
        "PKCS12",
        "ssl.truststore.location",
        truststore.toString(),
        "ssl.truststore.password",
        password);
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("keytool %s: %s", arguments[0], output).isZero();
  }
}
