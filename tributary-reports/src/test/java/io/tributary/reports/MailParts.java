package io.tributary.reports;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/** The parts of a received report mail: its HTML body and the text of its PDF attachment. */
public record MailParts(String html, String pdfText, String pdfName, int images) {
  public static MailParts of(Part message) throws Exception {
    List<Part> parts = new ArrayList<>();
    collect(message, parts);
    String html = null;
    String pdfText = null;
    String pdfName = null;
    int images = 0;
    for (Part part : parts) {
      if (part.isMimeType("text/html")) {
        html = (String) part.getContent();
      } else if (part.isMimeType("application/pdf")) {
        pdfName = part.getFileName();
        try (PDDocument pdf = Loader.loadPDF(bytes(part.getInputStream()))) {
          pdfText = new PDFTextStripper().getText(pdf);
        }
      } else if (part.isMimeType("image/png")) {
        images++;
      }
    }
    return new MailParts(html, pdfText, pdfName, images);
  }

  private static void collect(Part part, List<Part> parts) throws Exception {
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        collect(child, parts);
      }
    } else {
      parts.add(part);
    }
  }

  private static byte[] bytes(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
