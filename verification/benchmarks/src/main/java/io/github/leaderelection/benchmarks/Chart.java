package io.github.leaderelection.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;

/**
 * The chart of docs/benchmarks.png, drawn with the JDK alone (headless AWT + ImageIO): bars
 * are medians, whiskers reach the p95, a dot marks the maximum.
 */
final class Chart {

  private static final int WIDTH = 1600;
  private static final int HEIGHT = 1480;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
  private static final Color GRID = new Color(0xdddddd);
  private static final Color TEXT = new Color(0x222222);

  /** One bar: median, p95 and max (the last two NaN when not applicable). */
  private record Bar(double median, double p95, double max) {
    static Bar of(Stats s) {
      return new Bar(s.median(), s.p95(), s.max());
    }

    static Bar value(double v) {
      return new Bar(v, Double.NaN, Double.NaN);
    }
  }

  /** A group of bars (one per implementation) under one label, with an optional reference line. */
  private record Group(String label, List<Bar> bars, double reference, String referenceLabel) {}

  private Chart() {}

  static void write(Data data, Map<String, String> meta, Path file) {
    System.setProperty("java.awt.headless", "true");
    List<String> impls = data.impls();
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);

    g.setColor(TEXT);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
    g.drawString("Kubernetes Lease leader election: ours vs " + (impls.size() - 1) + " other electors", 30, 38);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    g.drawString("Bars: median; whisker: p95; dot: max. " + meta.getOrDefault("trials", "?")
        + " trials per bar for latencies. Machine: " + meta.getOrDefault("cpus", "?") + " shared CPUs ("
        + meta.getOrDefault("cpu_model", "?") + "); compare ratios, not absolute values.", 30, 62);
    legend(g, impls, 30, 84);

    int top = 110;
    int panelW = (WIDTH - 60) / 3;
    int panelH = (HEIGHT - top - 30) / 3;
    List<String> profiles = data.profiles();

    // 1. graceful handover (log scale: the implementations differ by orders of magnitude)
    List<Group> handover = new ArrayList<>();
    for (String p : profiles) {
      handover.add(new Group(p + " (" + Profile.byName(p).describe() + ")",
          impls.stream().map(i -> Bar.of(data.stats(i, p, "handover_ms"))).toList(), Double.NaN, null));
    }
    panel(g, new Rectangle(20, top, panelW, panelH), "Graceful handover: SIGTERM → new ELECTED", "ms (log scale)",
        handover, true, 0);

    // 2. crash failover, seconds, with the lease duration as reference
    List<Group> failover = new ArrayList<>();
    for (String p : profiles) {
      failover.add(new Group(p + " (" + Profile.byName(p).describe() + ")",
          impls.stream().map(i -> scale(Bar.of(data.stats(i, p, "failover_ms")), 0.001)).toList(),
          Profile.byName(p).leaseSeconds(), "lease duration"));
    }
    panel(g, new Rectangle(20 + panelW + 10, top, panelW, panelH), "Crash failover: SIGKILL → new ELECTED",
        "seconds; dashed red line: the lease duration", failover, false, 1);

    // 3. time to first leader
    List<Group> cold = new ArrayList<>();
    for (String p : profiles) {
      cold.add(new Group(p, impls.stream().map(i -> scale(Bar.of(data.stats(i, p, "cold_start_ms")), 0.001)).toList(),
          Double.NaN, null));
    }
    panel(g, new Rectangle(20 + 2 * (panelW + 10), top, panelW, panelH),
        "Time to first leader: process launch → ELECTED", "seconds", cold, false, 1);

    // 4-6. steady state
    List<Group> requests = new ArrayList<>();
    List<Group> cpu = new ArrayList<>();
    List<Group> rss = new ArrayList<>();
    List<Integer> smallSizes = data.loadSizes().stream().limit(2).toList();
    for (String p : data.loadProfiles()) {
      for (int n : smallSizes) {
        String label = p + ", n=" + n;
        List<Bar> rq = new ArrayList<>();
        List<Bar> cp = new ArrayList<>();
        List<Bar> rs = new ArrayList<>();
        for (String i : impls) {
          OptionalDouble all = data.totalRpm(i, p, n, "");
          OptionalDouble watch = data.totalRpm(i, p, n, "WATCH");
          rq.add(Bar.value(all.isPresent() ? (all.getAsDouble() - watch.orElse(0)) / data.ran(i, p, n) : Double.NaN));
          List<Double> cpuAll = new ArrayList<>(data.values(i, p, n, "cpu_ms_per_min_leader"));
          cpuAll.addAll(data.values(i, p, n, "cpu_ms_per_min_follower"));
          cp.add(Bar.value(cpuAll.isEmpty() ? Double.NaN : cpuAll.stream().mapToDouble(d -> d).average().orElse(Double.NaN)));
          List<Double> rssAll = new ArrayList<>(data.values(i, p, n, "rss_kb_leader"));
          rssAll.addAll(data.values(i, p, n, "rss_kb_follower"));
          rs.add(scale(Bar.of(Stats.of(rssAll)), 1 / 1024.0));
        }
        requests.add(new Group(label, rq, Double.NaN, null));
        cpu.add(new Group(label, cp, Double.NaN, null));
        rss.add(new Group(label, rs, Double.NaN, null));
      }
    }
    int row2 = top + panelH + 10;
    panel(g, new Rectangle(20, row2, panelW, panelH), "Lease API requests per minute per candidate",
        "requests/min (ended watches excluded)", requests, false, 1);
    panel(g, new Rectangle(20 + panelW + 10, row2, panelW, panelH), "CPU per candidate process (mean)",
        "CPU ms per minute", cpu, false, 0);
    panel(g, new Rectangle(20 + 2 * (panelW + 10), row2, panelW, panelH), "Resident memory per candidate (VmRSS)",
        "MiB (whisker: p95 over processes)", rss, false, 0);

    // 7-9. rolling restart and scale
    List<Group> rolling = new ArrayList<>();
    for (String p : data.rollingProfiles()) {
      rolling.add(new Group(p, impls.stream().map(i -> Bar.of(Stats.of(data.rolling(i, p, "rolling_leaderless_ms"))))
          .toList(), Double.NaN, null));
    }
    List<Group> scaleRequests = new ArrayList<>();
    List<Group> scaleCpu = new ArrayList<>();
    for (String p : data.loadProfiles()) {
      for (int n : data.loadSizes()) {
        String label = (data.loadProfiles().size() > 1 ? p + ", " : "") + "n=" + n;
        List<Bar> rq = new ArrayList<>();
        List<Bar> cp = new ArrayList<>();
        for (String i : impls) {
          OptionalDouble all = data.totalRpm(i, p, n, "");
          OptionalDouble watch = data.totalRpm(i, p, n, "WATCH");
          rq.add(Bar.value(all.isPresent() ? all.getAsDouble() - watch.orElse(0) : Double.NaN));
          cp.add(Bar.value(data.single(i, p, n, "apiserver_cpu_ms_per_min").orElse(Double.NaN)));
        }
        scaleRequests.add(new Group(label, rq, Double.NaN, null));
        scaleCpu.add(new Group(label, cp, data.single("none", p, 0, "apiserver_cpu_ms_per_min").orElse(Double.NaN),
            "idle"));
      }
    }
    int row3 = row2 + panelH + 10;
    panel(g, new Rectangle(20, row3, panelW, panelH), "Rolling restart (3 replicas): time without a leader",
        "ms, all gaps of a rollout added (log scale)", rolling, true, 0);
    panel(g, new Rectangle(20 + panelW + 10, row3, panelW, panelH), "Scale: lease requests/min, all candidates",
        "requests/min on one lease (log scale; ended watches excluded)", scaleRequests, true, 0);
    panel(g, new Rectangle(20 + 2 * (panelW + 10), row3, panelW, panelH), "Scale: kube-apiserver CPU",
        "CPU ms per minute; dashed red line: idle API server", scaleCpu, false, 0);

    g.dispose();
    try {
      ImageIO.write(image, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  private static Bar scale(Bar b, double f) {
    return new Bar(b.median() * f, b.p95() * f, b.max() * f);
  }

  private static void legend(Graphics2D g, List<String> impls, int x, int y) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    for (int i = 0; i < impls.size(); i++) {
      g.setColor(COLORS[i % COLORS.length]);
      g.fillRect(x, y - 12, 16, 16);
      g.setColor(TEXT);
      g.drawString(impls.get(i), x + 22, y + 1);
      x += 40 + g.getFontMetrics().stringWidth(impls.get(i)) + 20;
    }
  }

  private static void panel(Graphics2D g, Rectangle r, String title, String unit, List<Group> groups, boolean log,
      int decimals) {
    g.setColor(new Color(0xfafafa));
    g.fillRect(r.x, r.y, r.width, r.height);
    g.setColor(GRID);
    g.drawRect(r.x, r.y, r.width, r.height);
    g.setColor(TEXT);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, r.x + 12, r.y + 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(unit, r.x + 12, r.y + 42);

    int left = r.x + 62;
    int right = r.x + r.width - 14;
    int plotTop = r.y + 58;
    int bottom = r.y + r.height - 46;

    double maxValue = 0;
    double minPositive = Double.MAX_VALUE;
    for (Group grp : groups) {
      for (Bar b : grp.bars()) {
        for (double v : new double[] {b.median(), b.p95(), b.max()}) {
          if (!Double.isNaN(v)) {
            maxValue = Math.max(maxValue, v);
            if (v > 0) {
              minPositive = Math.min(minPositive, v);
            }
          }
        }
      }
      if (!Double.isNaN(grp.reference())) {
        maxValue = Math.max(maxValue, grp.reference());
      }
    }
    if (maxValue <= 0) {
      g.drawString("no data", left + 10, (plotTop + bottom) / 2);
      return;
    }
    Scale scale = log ? Scale.log(minPositive, maxValue, plotTop, bottom) : Scale.linear(maxValue, plotTop, bottom);

    // grid and axis labels
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    for (double tick : scale.ticks()) {
      int y = scale.y(tick);
      g.setColor(GRID);
      g.drawLine(left, y, right, y);
      g.setColor(TEXT);
      String label = format(tick, Math.abs(tick - Math.rint(tick)) < 1e-9 ? 0 : 1);
      g.drawString(label, left - 6 - fm.stringWidth(label), y + 4);
    }
    g.setColor(TEXT);
    g.drawLine(left, bottom, right, bottom);

    int groupW = (right - left) / Math.max(1, groups.size());
    for (int gi = 0; gi < groups.size(); gi++) {
      Group grp = groups.get(gi);
      int gx = left + gi * groupW;
      int nBars = grp.bars().size();
      int barW = Math.min(46, (groupW - 24) / Math.max(1, nBars));
      int startX = gx + (groupW - barW * nBars) / 2;
      for (int bi = 0; bi < nBars; bi++) {
        Bar b = grp.bars().get(bi);
        int x = startX + bi * barW;
        if (Double.isNaN(b.median())) {
          g.setColor(TEXT);
          g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
          g.drawString("n/a", x + barW / 2 - 8, bottom - 6);
          continue;
        }
        int y = scale.y(b.median());
        g.setColor(COLORS[bi % COLORS.length]);
        g.fillRect(x + 3, y, barW - 6, Math.max(1, bottom - y));
        g.setColor(TEXT);
        int cx = x + barW / 2;
        if (!Double.isNaN(b.p95())) {
          int yp = scale.y(b.p95());
          g.setStroke(new BasicStroke(2));
          g.drawLine(cx, y, cx, yp);
          g.drawLine(cx - 6, yp, cx + 6, yp);
          g.setStroke(new BasicStroke(1));
        }
        if (!Double.isNaN(b.max())) {
          int ym = scale.y(b.max());
          g.fillOval(cx - 3, ym - 3, 7, 7);
        }
        // the median's value, above the whisker
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        // one decimal where there is room for it (or where it matters: values below 10)
        String label = format(b.median(), b.median() < 10 || (b.median() < 100 && barW >= 40) ? decimals : 0);
        int top = Double.isNaN(b.max()) ? y : Math.min(y, scale.y(b.max()));
        if (!Double.isNaN(b.p95())) {
          top = Math.min(top, scale.y(b.p95()));
        }
        int lw = g.getFontMetrics().stringWidth(label);
        g.drawString(label, cx - lw / 2, Math.max(plotTop + 10, top - 6));
      }
      if (!Double.isNaN(grp.reference())) {
        int y = scale.y(grp.reference());
        g.setColor(new Color(0xd62728));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(gx + 6, y, gx + groupW - 6, y);
        g.setStroke(new BasicStroke(1));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      }
      g.setColor(TEXT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      fm = g.getFontMetrics();
      String label = grp.label();
      while (fm.stringWidth(label) > groupW - 4 && label.length() > 4) {
        label = label.substring(0, label.length() - 2);
      }
      g.drawString(label, gx + (groupW - fm.stringWidth(label)) / 2, bottom + 18);
    }
  }

  private static String format(double v, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  /** Value to pixel. */
  private interface Scale {
    int y(double v);

    List<Double> ticks();

    static Scale linear(double max, int top, int bottom) {
      double step = niceStep(max / 5);
      double axisMax = Math.ceil(max * 1.12 / step) * step;
      return new Scale() {
        @Override
        public int y(double v) {
          return (int) Math.round(bottom - (Math.max(0, v) / axisMax) * (bottom - top));
        }

        @Override
        public List<Double> ticks() {
          List<Double> t = new ArrayList<>();
          for (double v = 0; v <= axisMax + step / 2; v += step) {
            t.add(v);
          }
          return t;
        }
      };
    }

    static Scale log(double minPositive, double max, int top, int bottom) {
      double lo = Math.pow(10, Math.floor(Math.log10(minPositive)));
      double hi = Math.pow(10, Math.ceil(Math.log10(max * 1.5)));
      double span = Math.log10(hi) - Math.log10(lo);
      return new Scale() {
        @Override
        public int y(double v) {
          double c = Math.max(lo, v);
          return (int) Math.round(bottom - (Math.log10(c) - Math.log10(lo)) / span * (bottom - top));
        }

        @Override
        public List<Double> ticks() {
          List<Double> t = new ArrayList<>();
          for (double v = lo; v <= hi * 1.001; v *= 10) {
            t.add(v);
          }
          return t;
        }
      };
    }

    private static double niceStep(double raw) {
      double pow = Math.pow(10, Math.floor(Math.log10(raw)));
      double f = raw / pow;
      double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
      return nice * pow;
    }
  }
}
