package io.tributary.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an S3 server that fails requests on demand: it forwards bytes unchanged
 * (so request signatures stay valid), and can cut every open connection, drop the next {@code n}
 * connections after their first request bytes arrive without answering, or refuse everything during
 * an outage. Clients see broken connections, which the AWS SDK retries.
 */
public final class FaultyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger toFail = new AtomicInteger();
  private final AtomicBoolean outage = new AtomicBoolean();
  private final AtomicInteger faults = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();

  /** Starts a proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
  public FaultyProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Cuts the open connections and drops the next {@code count} new ones without an answer. */
  public void failNextConnections(int count) {
    toFail.set(count);
    cutAll();
  }

  /** Starts ({@code true}) or ends an outage: while on, every connection is cut or refused. */
  public void outage(boolean on) {
    outage.set(on);
    if (on) {
      cutAll();
    }
  }

  /** How many connections were dropped or cut by a fault so far. */
  public int faults() {
    return faults.get();
  }

  /** How many client connections were accepted so far. */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
    cutAll();
    threads.shutdownNow();
  }

  private void cutAll() {
    for (Socket socket : open) {
      faults.incrementAndGet();
      closeQuietly(socket);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      threads.execute(() -> serve(client));
    }
  }

  private void serve(Socket client) {
    try (client) {
      if (outage.get()) {
        faults.incrementAndGet();
        return;
      }
      if (toFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        client.getInputStream().read(new byte[1]); // the request started: then drop it
        faults.incrementAndGet();
        return;
      }
      try (Socket target = new Socket()) {
        target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        open.add(client);
        open.add(target);
        threads.execute(() -> pump(target, client));
        pump(client, target);
      } finally {
        open.remove(client);
      }
    } catch (IOException e) {
      // a cut connection: the client sees it and retries
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 << 10];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    } finally {
      open.remove(from);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "faulty-proxy");
      thread.setDaemon(true);
      return thread;
    };
  }
}
