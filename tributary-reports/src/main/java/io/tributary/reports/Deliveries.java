package io.tributary.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.config.EgressPolicy;
import io.tributary.core.config.ReportsConfig;
import io.tributary.flow.Templates;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Delivers a report (or its failure notice) to its targets, each retried with exponential back-off
 * up to its attempts (the report's {@code retry}): e-mail over SMTP (the HTML as the body with its
 * charts as inline parts, the PDF attached), a webhook POST of JSON (the HTML, and the PDF in
 * base64), files in a folder. Before each try the webhook's URL and the SMTP server are checked
 * against the platform's {@link EgressPolicy} (the one functions and flows' http tasks follow),
 * their host's addresses resolved then; a refusal is not retried.
 */
public final class Deliveries {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** The egress policy refused a target: retrying cannot help. */
  public static final class EgressRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public EgressRefusedException(EgressPolicy.Denial denial) {
      super(denial.message() + " [" + denial.rule() + "]");
    }
  }

  /** Sends to one target once; returns the file written, if any. */
  @FunctionalInterface
  public interface Sender {
    Optional<String> send(ReportSpec.Target target, Payload payload) throws Exception;
  }

  private final Sender sender;
  private final Backoff backoff;
  private final Backoff.Sleeper sleeper;

  /**
   * Deliveries over real SMTP, HTTP and files.
   *
   * @param backoff the retries of a report that declares none
   * @param egress where webhooks and the SMTP server may be reached
   */
  public Deliveries(
      ReportsConfig config,
      UnaryOperator<String> references,
      Backoff backoff,
      EgressPolicy egress,
      Clock clock) {
    this(
        new Senders(config, references, egress, InetAddress::getAllByName, clock),
        backoff,
        Backoff.Sleeper.SYSTEM);
  }

  public Deliveries(Sender sender, Backoff backoff, Backoff.Sleeper sleeper) {
    this.sender = Objects.requireNonNull(sender, "sender is null");
    this.backoff = Objects.requireNonNull(backoff, "backoff is null");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper is null");
  }

  /** Delivers {@code payload} to every target in turn; each gets its own tries. */
  public List<DeliveryOutcome> deliver(List<ReportSpec.Target> targets, Payload payload)
      throws InterruptedException {
    return deliver(targets, payload, Optional.empty());
  }

  /**
   * Delivers {@code payload} to every target in turn, each retried as {@code retry} (a report's
   * own), or as this service's default when empty.
   */
  public List<DeliveryOutcome> deliver(
      List<ReportSpec.Target> targets, Payload payload, Optional<Backoff> retry)
      throws InterruptedException {
    Backoff chosen = retry.orElse(backoff);
    List<DeliveryOutcome> outcomes = new ArrayList<>();
    for (ReportSpec.Target target : targets) {
      outcomes.add(deliver(target, payload, chosen));
    }
    return outcomes;
  }

  /** Tries {@code target} until it is delivered or the attempts are spent. */
  public DeliveryOutcome deliver(ReportSpec.Target target, Payload payload)
      throws InterruptedException {
    return deliver(target, payload, backoff);
  }

  /**
   * Tries {@code target} until it is delivered, the attempts of {@code retry} are spent, or the
   * egress policy refuses it (not retried).
   */
  public DeliveryOutcome deliver(ReportSpec.Target target, Payload payload, Backoff retry)
      throws InterruptedException {
    String error = null;
    int attempt = 1;
    for (; attempt <= retry.attempts(); attempt++) {
      try {
        Optional<String> path = sender.send(target, payload);
        return new DeliveryOutcome(
            target.label(), DeliveryOutcome.Status.DELIVERED, attempt, Optional.empty(), path);
      } catch (InterruptedException e) {
        throw e;
      } catch (EgressRefusedException e) {
        error = describe(e);
        break;
      } catch (Exception e) {
        error = describe(e);
        if (attempt < retry.attempts()) {
          sleeper.sleep(retry.delayAfter(attempt));
        }
      }
    }
    return new DeliveryOutcome(
        target.label(),
        DeliveryOutcome.Status.FAILED,
        Math.min(attempt, retry.attempts()),
        Optional.of(error),
        Optional.empty());
  }

  private static String describe(Exception e) {
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
    Throwable cause = e.getCause();
    for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
      text.append(" (").append(cause.getClass().getSimpleName()).append(": ");
      text.append(cause.getMessage()).append(')');
    }
    return text.length() > 2000 ? text.substring(0, 2000) : text.toString();
  }

  /** The real senders. */
  static final class Senders implements Sender {
    private final ReportsConfig config;
    private final UnaryOperator<String> references;
    private final EgressPolicy egress;
    private final EgressPolicy.Resolver resolver;
    private final Clock clock;
    private final HttpClient http;

    Senders(
        ReportsConfig config,
        UnaryOperator<String> references,
        EgressPolicy egress,
        EgressPolicy.Resolver resolver,
        Clock clock) {
      this.config = Objects.requireNonNull(config, "config is null");
      this.references = Objects.requireNonNull(references, "references is null");
      this.egress = Objects.requireNonNull(egress, "egress is null");
      this.resolver = Objects.requireNonNull(resolver, "resolver is null");
      this.clock = Objects.requireNonNull(clock, "clock is null");
      this.http =
          HttpClient.newBuilder()
              .connectTimeout(TIMEOUT)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }

    @Override
    public Optional<String> send(ReportSpec.Target target, Payload payload) throws Exception {
      if (target instanceof ReportSpec.Email email) {
        mail(email, payload);
        return Optional.empty();
      } else if (target instanceof ReportSpec.Webhook webhook) {
        post(webhook, payload);
        return Optional.empty();
      }
      return Optional.of(write((ReportSpec.Folder) target, payload).toString());
    }

    private void mail(ReportSpec.Email email, Payload payload)
        throws MessagingException, IOException {
      ReportsConfig.Smtp smtp =
          config
              .smtp()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "No SMTP server is configured: set reports.smtp (host, port, from)"));
      Optional<EgressPolicy.Denial> refused =
          egress.checkConnection("SMTP server", smtp.host(), smtp.port(), resolver);
      if (refused.isPresent()) {
        throw new EgressRefusedException(refused.get());
      }
      Properties properties = new Properties();
      properties.put("mail.smtp.host", smtp.host());
      properties.put("mail.smtp.port", Integer.toString(smtp.port()));
      properties.put("mail.smtp.connectiontimeout", Long.toString(TIMEOUT.toMillis()));
      properties.put("mail.smtp.timeout", Long.toString(TIMEOUT.toMillis()));
      properties.put("mail.smtp.writetimeout", Long.toString(TIMEOUT.toMillis()));
      properties.put("mail.smtp.auth", Boolean.toString(smtp.user().isPresent()));
      if (smtp.starttls()) {
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
      }
      Session session = Session.getInstance(properties);
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(smtp.from(), true));
      for (String to : email.to()) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
      }
      String subject =
          payload.error().isPresent()
              ? payload.subject()
              : email
                  .subject()
                  .map(text -> Templates.render(text, payload.variables()))
                  .orElse(payload.subject());
      message.setSubject(subject, "UTF-8");
      message.setSentDate(Date.from(clock.instant()));
      MimeMultipart related = new MimeMultipart("related");
      MimeBodyPart html = new MimeBodyPart();
      html.setText(payload.mailHtml(), "UTF-8", "html");
      related.addBodyPart(html);
      for (RenderedReport.Image image : payload.images()) {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(image.png(), "image/png")));
        part.setContentID("<" + image.contentId() + ">");
        part.setDisposition(MimeBodyPart.INLINE);
        part.setFileName(image.contentId() + ".png");
        related.addBodyPart(part);
      }
      MimeMultipart mixed = new MimeMultipart("mixed");
      MimeBodyPart body = new MimeBodyPart();
      body.setContent(related);
      mixed.addBodyPart(body);
      if (payload.pdf().isPresent()) {
        MimeBodyPart pdf = new MimeBodyPart();
        pdf.setDataHandler(
            new DataHandler(new ByteArrayDataSource(payload.pdf().get(), "application/pdf")));
        pdf.setFileName(payload.pdfFileName());
        pdf.setDisposition(MimeBodyPart.ATTACHMENT);
        mixed.addBodyPart(pdf);
      }
      message.setContent(mixed);
      message.saveChanges();
      if (smtp.user().isPresent()) {
        String password = smtp.password().map(references).orElse("");
        Transport.send(message, smtp.user().get(), password);
      } else {
        Transport.send(message);
      }
    }

    private void post(ReportSpec.Webhook webhook, Payload payload)
        throws IOException, InterruptedException {
      Optional<EgressPolicy.Denial> refused =
          egress.checkRequest(webhook.url(), Map.of(), resolver);
      if (refused.isPresent()) {
        throw new EgressRefusedException(refused.get());
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("report", payload.report());
      body.put("title", payload.subject());
      body.put("ds", payload.ds());
      body.put("status", payload.error().isPresent() ? "failed" : "ok");
      body.put("error", payload.error().orElse(null));
      body.put("html", payload.html());
      body.put(
          "pdf", payload.pdf().map(pdf -> Base64.getEncoder().encodeToString(pdf)).orElse(null));
      body.put("pdfFileName", payload.pdf().isPresent() ? payload.pdfFileName() : null);
      HttpRequest request =
          HttpRequest.newBuilder(webhook.url())
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .header("User-Agent", "tributary-reports")
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        String answer = response.body() == null ? "" : response.body();
        throw new IOException(
            "Webhook "
                + webhook.url()
                + " answered "
                + response.statusCode()
                + (answer.isBlank()
                    ? ""
                    : ": " + answer.substring(0, Math.min(200, answer.length()))));
      }
    }

    private Path write(ReportSpec.Folder folder, Payload payload) throws IOException {
      Path base = folder.dir().map(dir -> config.output().resolve(dir)).orElse(config.output());
      Path dir = base.resolve(payload.report());
      Files.createDirectories(dir);
      String stem = payload.report() + "-" + payload.ds();
      if (payload.error().isPresent()) {
        return atomically(
            dir.resolve(stem + ".failed.html"), payload.html().getBytes(StandardCharsets.UTF_8));
      }
      atomically(dir.resolve(stem + ".html"), payload.html().getBytes(StandardCharsets.UTF_8));
      return atomically(dir.resolve(stem + ".pdf"), payload.pdf().orElseThrow());
    }

    private static Path atomically(Path file, byte[] bytes) throws IOException {
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(temporary, bytes);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    }
  }
}
