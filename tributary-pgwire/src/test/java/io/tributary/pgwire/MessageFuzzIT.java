package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the message decoder: random, truncated and oversized frames, before and after a
 * valid startup, never crash the server nor hang it. Each connection ends with an answer or a close
 * within the read timeout, and the server still serves a real client afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageFuzzIT {
  private static final long SEED = 20_261_204L;
  private static final int CONNECTIONS = 300;

  private PgWireFixture fixture;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    fixture = new PgWireFixture(dir, 16, Duration.ofSeconds(20));
  }

  @AfterAll
  void tearDown() throws Exception {
    fixture.close();
  }

  @Test
  void randomFramesGetAnErrorOrACloseAndTheServerGoesOn() throws Exception {
    Random random = new Random(SEED);
    for (int i = 0; i < CONNECTIONS; i++) {
      byte[] frames = frames(random);
      try (Socket socket = new Socket("127.0.0.1", fixture.server.port())) {
        socket.setSoTimeout(15_000); // beyond the server's 10 s startup timeout
        try {
          socket.getOutputStream().write(frames);
          socket.shutdownOutput();
        } catch (SocketException e) {
          continue; // the server closed first: a clear outcome
        }
        assertThat(drain(socket.getInputStream()))
            .as("connection %d (seed %d) ends", i, SEED)
            .isTrue();
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> fixture.server.connectionCount() == 0);
    try (Connection connection =
            DriverManager.getConnection(
                fixture.jdbcUrl(""), fixture.credentials.user(), fixture.credentials.password());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM raw.t")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(1)).isEqualTo(3);
    }
  }

  @Test
  void gssAndSslEncryptionRequestsAreAnsweredNo() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", fixture.server.port())) {
      socket.setSoTimeout(15_000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(8);
      out.writeInt(80877104); // GSSENCRequest
      out.flush();
      assertThat(socket.getInputStream().read()).isEqualTo('N');
      out.writeInt(8);
      out.writeInt(80877103); // SSLRequest
      out.flush();
      assertThat(socket.getInputStream().read()).isEqualTo('N');
      out.write(startup("admin"));
      out.flush();
      byte[] answer = new byte[9];
      new java.io.DataInputStream(socket.getInputStream()).readFully(answer);
      assertThat((char) answer[0]).isEqualTo('R'); // AuthenticationSASL
      assertThat(ByteBuffer.wrap(answer, 5, 4).getInt()).isEqualTo(10);
    }
  }

  /** Reads until the server closes; false if it kept the connection open past the timeout. */
  private static boolean drain(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    try {
      while (in.read(buffer) >= 0) {
        // the server's answers: errors, 'N', authentication requests
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset by the server
    }
  }

  private static byte[] frames(Random random) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    switch (random.nextInt(6)) {
      case 0 -> out.write(randomBytes(random, random.nextInt(64)));
      case 1 -> { // oversized or negative startup length
        out.writeInt(random.nextBoolean() ? Integer.MAX_VALUE : -random.nextInt(100));
        out.writeInt(196608);
      }
      case 2 -> { // a startup cut short
        byte[] startup = startup("admin");
        out.write(startup, 0, random.nextInt(startup.length));
      }
      case 3 -> { // SSLRequest, then a startup with a garbage body
        out.writeInt(8);
        out.writeInt(80877103);
        byte[] body = randomBytes(random, random.nextInt(40));
        out.writeInt(body.length + 8);
        out.writeInt(196608);
        out.write(body);
      }
      default -> { // a valid startup, then random typed messages, some truncated or oversized
        out.write(startup(random.nextBoolean() ? "admin" : "someone"));
        for (int m = random.nextInt(5); m >= 0; m--) {
          out.writeByte("pQPBDESCHXdcf?\0".charAt(random.nextInt(15)));
          byte[] body = randomBytes(random, random.nextInt(60));
          int length = body.length + 4;
          out.writeInt(
              switch (random.nextInt(4)) {
                case 0 -> Integer.MAX_VALUE;
                case 1 -> random.nextInt(8);
                default -> length;
              });
          out.write(body, 0, random.nextInt(8) == 0 ? body.length / 2 : body.length);
        }
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] startup(String user) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(body);
    out.writeInt(196608);
    for (String part : new String[] {"user", user, "database", "tributary", ""}) {
      out.write(part.getBytes(StandardCharsets.UTF_8));
      out.writeByte(0);
    }
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    new DataOutputStream(framed).writeInt(body.size() + 4);
    framed.write(body.toByteArray());
    return framed.toByteArray();
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
