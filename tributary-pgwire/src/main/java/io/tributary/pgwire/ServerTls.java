package io.tributary.pgwire;

import io.tributary.core.config.PgWireTls;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The endpoint's TLS: the JDK's {@link SSLContext} over a PEM certificate and key, either the
 * configured files or a self-signed pair generated once into {@code <data-dir>/pgwire-tls/} (the
 * key mode 0600); whether plaintext clients are refused; whether TLS clients authenticate by
 * cleartext password. Built at start, so that an unreadable certificate stops the platform there.
 */
public final class ServerTls {
  /** No TLS: SSLRequest is answered 'N'. */
  public static final ServerTls OFF = new ServerTls(null, false, false);

  static final String DIRECTORY = "pgwire-tls";
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private final SSLContext context;
  private final boolean required;
  private final boolean cleartextPasswords;

  private ServerTls(SSLContext context, boolean required, boolean cleartextPasswords) {
    this.context = context;
    this.required = required;
    this.cleartextPasswords = cleartextPasswords;
  }

  /**
   * The TLS {@code config} asks for; a generated certificate goes into {@code dataDir}.
   *
   * @throws IllegalArgumentException naming the key and file when a certificate or key is unusable
   */
  public static ServerTls of(PgWireTls config, Path dataDir, Clock clock, SecureRandom random) {
    Objects.requireNonNull(config, "config is null");
    return switch (config.mode()) {
      case OFF -> OFF;
      case FILES ->
          new ServerTls(
              context(
                  certificates("pgwire.tls.cert", config.cert()),
                  privateKey("pgwire.tls.key", config.key())),
              config.required(),
              config.cleartextPasswords());
      case AUTO -> {
        Path directory = dataDir.resolve(DIRECTORY);
        Path cert = directory.resolve("server.crt");
        Path key = directory.resolve("server.key");
        if (!Files.exists(cert) || !Files.exists(key)) {
          generate(directory, cert, key, clock, random);
        }
        yield new ServerTls(
            context(certificates("pgwire.tls", cert), privateKey("pgwire.tls", key)),
            config.required(),
            config.cleartextPasswords());
      }
    };
  }

  boolean enabled() {
    return context != null;
  }

  boolean required() {
    return required;
  }

  boolean cleartextPasswords() {
    return cleartextPasswords;
  }

  /** Runs the server side of the TLS handshake over {@code socket} (after the 'S' answer). */
  SSLSocket handshake(Socket socket) throws IOException {
    SSLSocket tls =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(
                    socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    tls.setUseClientMode(false);
    tls.startHandshake();
    return tls;
  }

  private static SSLContext context(List<X509Certificate> chain, PrivateKey key) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, new char[0], chain.toArray(new Certificate[0]));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, new char[0]);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "Invalid pgwire.tls: the certificate and key do not make a TLS identity ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static List<X509Certificate> certificates(String key, Path file) {
    List<X509Certificate> chain = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object item = pem.readObject(); item != null; item = pem.readObject()) {
        if (item instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw invalid(key, file, "not a readable PEM certificate: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw invalid(key, file, "no CERTIFICATE block in the PEM file", null);
    }
    return chain;
  }

  private static PrivateKey privateKey(String key, Path file) {
    Object item;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      item = pem.readObject();
      while (item != null && !(item instanceof PEMKeyPair) && !(item instanceof PrivateKeyInfo)) {
        item = pem.readObject();
      }
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (item instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (item instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException | RuntimeException e) {
      throw invalid(key, file, "not a readable PEM private key: " + e.getMessage(), e);
    }
    throw invalid(
        key, file, "no unencrypted PRIVATE KEY block (PKCS#8 or PKCS#1) in the PEM file", null);
  }

  private static IllegalArgumentException invalid(
      String key, Path file, String rule, Exception cause) {
    return new IllegalArgumentException(
        "Invalid " + key + ": '" + file + "' (" + rule + ")", cause);
  }

  /** A self-signed RSA certificate for this host, localhost and 127.0.0.1, valid ten years. */
  private static void generate(
      Path directory, Path cert, Path key, Clock clock, SecureRandom random) {
    try {
      Files.createDirectories(directory);
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, random);
      KeyPair pair = generator.generateKeyPair();
      Instant now = clock.instant();
      String host = InetAddress.getLocalHost().getHostName();
      X500Name subject =
          new X500Name("CN=" + host.replaceAll("[,=+<>#;\"\\\\]", "") + ",O=Tributary");
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(64, random).abs().add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(VALIDITY)),
              subject,
              pair.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, host),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
      X509CertificateHolder holder =
          builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
      writePem(key, pair.getPrivate(), true);
      writePem(cert, holder, false);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the generated TLS certificate into " + directory + ": " + e.getMessage(),
          e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Cannot generate a TLS certificate: " + e.getMessage(), e);
    }
  }

  private static void writePem(Path file, Object item, boolean secret) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(item);
    }
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    if (secret && temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          temporary,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(temporary, text.toString(), StandardCharsets.US_ASCII);
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
