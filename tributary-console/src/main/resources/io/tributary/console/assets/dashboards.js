// Tributary dashboards: each tile fetches its own data (in parallel; a slow or failing tile shows
// its own spinner or error and never holds up the others) and is drawn by chart type with ECharts,
// as a table or as a big number with its delta. The filters live in the page's URL, so a link
// shares the view. No inline scripts: the page passes each tile's config in data-config.
(function () {
  "use strict";
  var state = { drawn: 0, failed: 0, firstTileMs: null, loads: 0 };
  window.tributaryDashboard = state;

  function text(tag, content, className) {
    var el = document.createElement(tag);
    if (content !== undefined && content !== null) {
      el.textContent = String(content);
    }
    if (className) {
      el.className = className;
    }
    return el;
  }

  function columnIndex(data, name) {
    if (!name) {
      return -1;
    }
    var lower = String(name).toLowerCase();
    for (var i = 0; i < data.columns.length; i++) {
      if (data.columns[i].name.toLowerCase() === lower) {
        return i;
      }
    }
    return -1;
  }

  function distinct(values) {
    var seen = new Map();
    values.forEach(function (v) {
      var key = v === null ? "∅" : String(v);
      if (!seen.has(key)) {
        seen.set(key, seen.size);
      }
    });
    return seen;
  }

  function numberOrNull(v) {
    if (v === null || v === undefined || v === "") {
      return null;
    }
    var n = Number(v);
    return isNaN(n) ? null : n;
  }

  // ECharts option for line, bar, stacked, area: one series per y column, or per value of the
  // series column (rows in long form: x, series, y)
  function cartesian(chart, options, data) {
    var xi = columnIndex(data, options.x);
    var ys = (options.y || []).map(function (y) { return columnIndex(data, y); });
    var si = columnIndex(data, options.series);
    var categories = distinct(data.rows.map(function (r) { return r[xi]; }));
    var xs = Array.from(categories.keys());
    var series = [];
    function make(name, values) {
      var s = { name: name, type: chart === "line" || chart === "area" ? "line" : "bar", data: values };
      if (chart === "area") { s.areaStyle = {}; s.stack = "total"; }
      if (chart === "stacked") { s.stack = "total"; }
      if (s.type === "line") { s.showSymbol = xs.length < 40; }
      return s;
    }
    if (si >= 0) {
      var bySeries = new Map();
      data.rows.forEach(function (r) {
        var key = r[si] === null ? "∅" : String(r[si]);
        if (!bySeries.has(key)) {
          bySeries.set(key, new Array(xs.length).fill(null));
        }
        bySeries.get(key)[categories.get(r[xi] === null ? "∅" : String(r[xi]))] = numberOrNull(r[ys[0]]);
      });
      bySeries.forEach(function (values, name) { series.push(make(name, values)); });
    } else {
      ys.forEach(function (yi, n) {
        var values = new Array(xs.length).fill(null);
        data.rows.forEach(function (r) {
          values[categories.get(r[xi] === null ? "∅" : String(r[xi]))] = numberOrNull(r[yi]);
        });
        series.push(make(options.y[n], values));
      });
    }
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: xs, boundaryGap: chart !== "line" && chart !== "area" },
      yAxis: { type: "value" },
      series: series
    };
  }

  function pie(options, data) {
    var li = columnIndex(data, options.label);
    var vi = columnIndex(data, options.value);
    return {
      animation: false,
      tooltip: { trigger: "item" },
      legend: { type: "scroll", top: 0 },
      series: [{
        type: "pie", radius: ["35%", "70%"], top: 24,
        data: data.rows.map(function (r) { return { name: r[li] === null ? "∅" : String(r[li]), value: numberOrNull(r[vi]) }; })
      }]
    };
  }

  function heatmap(options, data) {
    var xi = columnIndex(data, options.x);
    var yi = columnIndex(data, options.y[0]);
    var vi = columnIndex(data, options.value);
    var xs = distinct(data.rows.map(function (r) { return r[xi]; }));
    var ys = distinct(data.rows.map(function (r) { return r[yi]; }));
    var max = 0;
    var points = data.rows.map(function (r) {
      var v = numberOrNull(r[vi]);
      max = Math.max(max, v || 0);
      return [xs.get(r[xi] === null ? "∅" : String(r[xi])), ys.get(r[yi] === null ? "∅" : String(r[yi])), v];
    });
    return {
      animation: false,
      tooltip: { position: "top" },
      grid: { left: 8, right: 16, top: 8, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: Array.from(xs.keys()), splitArea: { show: true } },
      yAxis: { type: "category", data: Array.from(ys.keys()), splitArea: { show: true } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 80 },
      series: [{ type: "heatmap", data: points }]
    };
  }

  function drillHref(config, value) {
    var params = new URLSearchParams(window.location.search);
    params.set(config.options.drill.filter, value === null ? "" : String(value));
    return config.drillUrl + "?" + params.toString();
  }

  function table(body, config, data) {
    var wrap = text("div", null, "scroll tile-table");
    var t = document.createElement("table");
    var head = document.createElement("tr");
    var shown = config.options.columns && config.options.columns.length
      ? config.options.columns.map(function (c) { return columnIndex(data, c); })
      : data.columns.map(function (c, i) { return i; });
    var drillColumn = !config.options.drill ? -1
      : config.options.drill.column ? columnIndex(data, config.options.drill.column) : shown[0];
    shown.forEach(function (i) {
      var th = text("th", data.columns[i].name);
      th.scope = "col";
      if (/INT|DOUBLE|DECIMAL|FLOAT|REAL|NUMERIC/.test(data.columns[i].type)) { th.className = "num"; }
      head.appendChild(th);
    });
    var thead = document.createElement("thead");
    thead.appendChild(head);
    t.appendChild(thead);
    var tbody = document.createElement("tbody");
    data.rows.forEach(function (r) {
      var tr = document.createElement("tr");
      shown.forEach(function (i) {
        var td = text("td", null, /INT|DOUBLE|DECIMAL|FLOAT|REAL|NUMERIC/.test(data.columns[i].type) ? "num" : "");
        var v = r[i] === null ? "" : (typeof r[i] === "object" ? JSON.stringify(r[i]) : r[i]);
        if (i === drillColumn && config.drillUrl && r[i] !== null) {
          var a = text("a", v);
          a.href = drillHref(config, r[i]);
          td.appendChild(a);
        } else {
          td.textContent = String(v);
        }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    t.appendChild(tbody);
    wrap.appendChild(t);
    body.replaceChildren(wrap);
  }

  function bigNumber(body, config, data) {
    var row = data.rows[0] || [];
    var value = numberOrNull(row[columnIndex(data, config.options.value)]);
    var box = text("div", null, "big-number");
    var unit = config.options.unit || "";
    box.appendChild(text("div", value === null ? "–" : value.toLocaleString() + unit, "big-value"));
    if (config.options.compare) {
      var compare = numberOrNull(row[columnIndex(data, config.options.compare)]);
      if (value !== null && compare !== null) {
        var delta = value - compare;
        var pct = compare !== 0 ? " (" + (delta >= 0 ? "+" : "") + (100 * delta / Math.abs(compare)).toFixed(1) + "%)" : "";
        var d = text("div", (delta > 0 ? "▲ +" : delta < 0 ? "▼ " : "= ") + delta.toLocaleString() + unit + pct
          + " vs " + compare.toLocaleString() + unit, "big-delta " + (delta > 0 ? "up" : delta < 0 ? "down" : "same"));
        box.appendChild(d);
      }
    }
    body.replaceChildren(box);
    box.dataset.value = value === null ? "" : String(value);
  }

  function chartFor(tile, body) {
    var el = body.querySelector(".tile-chart");
    if (!el) {
      el = text("div", null, "tile-chart");
      body.replaceChildren(el);
    }
    var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
    if (!tile.dataset.resizeBound) {
      tile.dataset.resizeBound = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    }
    return chart;
  }

  function draw(tile, config, data) {
    var body = tile.querySelector(".tile-body");
    var chartType = config.chart;
    if (chartType === "table") {
      table(body, config, data);
    } else if (chartType === "big-number") {
      bigNumber(body, config, data);
    } else if (typeof window.echarts === "undefined") {
      throw new Error("ECharts did not load");
    } else {
      if (data.rows.length === 0) {
        var old = body.querySelector(".tile-chart");
        if (old && window.echarts.getInstanceByDom(old)) { window.echarts.getInstanceByDom(old).dispose(); }
        body.replaceChildren(text("p", "No rows for these filters.", "muted empty"));
        return;
      }
      var chart = chartFor(tile, body);
      var option = chartType === "pie" ? pie(config.options, data)
        : chartType === "heatmap" ? heatmap(config.options, data)
        : cartesian(chartType, config.options, data);
      chart.setOption(option, true);
      if (config.drillUrl && !tile.dataset.drillBound) {
        tile.dataset.drillBound = "1";
        chart.on("click", function (params) {
          window.location.href = drillHref(config, params.name);
        });
      }
    }
  }

  function meta(tile, data) {
    var footer = tile.querySelector(".tile-meta");
    var parts = [];
    Object.keys(data.snapshots).forEach(function (table) {
      parts.push(table + " @ snapshot " + data.snapshots[table]);
    });
    parts.push(data.rows.length + " rows" + (data.truncated ? " (truncated)" : ""));
    parts.push(data.elapsedMillis + " ms");
    parts.push("at " + new Date().toLocaleTimeString());
    footer.textContent = parts.join(" · ");
    footer.title = "Computed from " + (Object.keys(data.snapshots).length ? Object.keys(data.snapshots).map(function (t) { return t + " snapshot " + data.snapshots[t]; }).join(", ") : "no lake table") + " in " + data.elapsedMillis + " ms";
  }

  function load(tile) {
    if (tile.dataset.inFlight === "1") {
      return;
    }
    var config = JSON.parse(tile.dataset.config);
    var query = window.location.search;
    tile.dataset.inFlight = "1";
    tile.setAttribute("aria-busy", "true");
    tile.classList.add("loading");
    tile.querySelector(".tile-csv").href = config.dataUrl + (query ? query + "&" : "?") + "format=csv";
    state.loads++;
    fetch(config.dataUrl + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; },
          function () { return { ok: false, status: response.status, body: { error: { code: "http_" + response.status, message: response.statusText } } }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          var error = answer.body && answer.body.error ? answer.body.error : { code: "error", message: "" };
          var p = text("p", null, "error tile-error");
          p.appendChild(text("strong", error.code + " (" + answer.status + "): "));
          p.appendChild(document.createTextNode(error.message));
          var old = tile.querySelector(".tile-chart");
          if (old && window.echarts && window.echarts.getInstanceByDom(old)) { window.echarts.getInstanceByDom(old).dispose(); }
          tile.querySelector(".tile-body").replaceChildren(p);
          tile.querySelector(".tile-meta").textContent = "";
          tile.dataset.state = "error";
          state.failed++;
          return;
        }
        whenChartsLoaded(config.chart, function () { drawn(tile, config, answer.body); });
      })
      .catch(function (e) {
        failed(tile, e);
      })
      .finally(function () {
        tile.dataset.inFlight = "0";
        tile.setAttribute("aria-busy", "false");
        tile.classList.remove("loading");
      });
  }

  // this script runs before ECharts (so the tiles' requests start at once); a chart waits for it
  function whenChartsLoaded(chart, then) {
    if (chart === "table" || chart === "big-number" || typeof window.echarts !== "undefined"
        || document.readyState === "complete") {
      then();
    } else {
      window.addEventListener("load", then, { once: true });
    }
  }

  function failed(tile, e) {
    tile.querySelector(".tile-body").replaceChildren(text("p", "Cannot draw the tile: " + e.message, "error tile-error"));
    tile.dataset.state = "error";
    state.failed++;
  }

  function drawn(tile, config, body) {
    try {
      draw(tile, config, body);
    } catch (e) {
      failed(tile, e);
      return;
    }
    meta(tile, body);
    tile.dataset.state = "drawn";
    tile.dataset.rows = String(body.rows.length);
    state.drawn++;
    if (state.firstTileMs === null) {
      state.firstTileMs = performance.now();
      performance.mark("tributary:first-tile-drawn");
    }
  }

  function png(tile) {
    var el = tile.querySelector(".tile-chart");
    var chart = el && window.echarts ? window.echarts.getInstanceByDom(el) : null;
    if (!chart) {
      return;
    }
    var a = document.createElement("a");
    a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    a.download = document.getElementById("tiles").dataset.dashboard + "-" + tile.dataset.tile + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function fillChoices(select) {
    fetch(select.dataset.valuesUrl + window.location.search, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { values: [] }; })
      .then(function (body) {
        var current = select.dataset.current;
        (body.values || []).forEach(function (value) {
          if (value === current) {
            return;
          }
          var option = text("option", value);
          option.value = value;
          select.appendChild(option);
        });
      })
      .catch(function () { /* the filter keeps its current value */ });
  }

  function start() {
    var container = document.getElementById("tiles");
    if (!container) {
      return;
    }
    var tiles = Array.prototype.slice.call(container.querySelectorAll(".tile"));
    tiles.forEach(load);
    tiles.forEach(function (tile) {
      var button = tile.querySelector(".tile-png");
      if (button) {
        button.addEventListener("click", function () { png(tile); });
      }
    });
    document.querySelectorAll("select[data-values-url]").forEach(fillChoices);
    document.querySelectorAll("a[data-keep-filters]").forEach(function (a) {
      var params = new URLSearchParams(window.location.search);
      a.href = a.getAttribute("href") + (params.toString() ? "?" + params.toString() : "");
    });
    var seconds = Number(container.dataset.refresh || "0");
    var toggle = document.getElementById("auto-refresh");
    if (seconds > 0) {
      window.setInterval(function () {
        if (!toggle || toggle.checked) {
          tiles.forEach(load);
        }
      }, seconds * 1000);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
