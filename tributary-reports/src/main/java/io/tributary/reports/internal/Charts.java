package io.tributary.reports.internal;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.general.DefaultPieDataset;

/** Line, bar and pie charts drawn on the server (headless AWT) as PNG images. */
public final class Charts {
  public static final int WIDTH = 640;
  public static final int HEIGHT = 300;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Charts() {}

  /** One point of a series: its category and value. */
  public record Point(String series, String category, Number value) {}

  /** A line or bar chart of {@code points}, categories in their first order. */
  public static byte[] category(boolean line, String xLabel, List<Point> points) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (Point point : points) {
      dataset.addValue(point.value(), point.series(), point.category());
    }
    JFreeChart chart =
        line
            ? ChartFactory.createLineChart(
                null, xLabel, null, dataset, PlotOrientation.VERTICAL, true, false, false)
            : ChartFactory.createBarChart(
                null, xLabel, null, dataset, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xCB, 0xD2, 0xD9));
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(1.0f);
    if (plot.getRenderer() instanceof LineAndShapeRenderer lines) {
      lines.setDefaultShapesVisible(true); // a single point is drawn, not lost
    }
    if (plot.getRenderer() instanceof BarRenderer bar) {
      bar.setBarPainter(new StandardBarPainter());
      bar.setShadowVisible(false);
    }
    return png(chart);
  }

  /** A pie chart: one slice per point (its category), of its value. */
  public static byte[] pie(List<Point> points) {
    DefaultPieDataset<String> dataset = new DefaultPieDataset<>();
    for (Point point : points) {
      dataset.setValue(point.category(), point.value());
    }
    JFreeChart chart = ChartFactory.createPieChart(null, dataset, true, false, false);
    chart.getPlot().setBackgroundPaint(Color.WHITE);
    return png(chart);
  }

  private static byte[] png(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    BufferedImage image = chart.createBufferedImage(WIDTH, HEIGHT);
    try {
      return ChartUtils.encodeAsPNG(image);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode a chart as PNG", e);
    }
  }
}
