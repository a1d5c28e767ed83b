/* Draws every chart of a barometer page from the JSON table embedded beside it
   (the same table the 导出 buttons export). ECharts is vendored: static/vendor/echarts. */
(function () {
  "use strict";
  var PALETTE = ["#2f6db5", "#d9534f", "#5cb85c", "#f0ad4e", "#5bc0de", "#8e6bbf", "#7f8c8d"];

  function column(rows, i) { return rows.map(function (r) { return r[i]; }); }

  function cartesian(table, spec) {
    var rows = table.rows, headers = table.headers;
    var horizontal = spec.type === "hbar";
    var stacked = spec.type === "stack" || spec.stack;
    var categories = column(rows, 0);
    var series = (spec.series || []).map(function (i) {
      var s = {
        name: headers[i], type: spec.type === "line" ? "line" : "bar",
        stack: stacked ? "total" : undefined, data: column(rows, i),
        smooth: spec.type === "line", emphasis: { focus: "series" }
      };
      if (spec.signed) {
        s.data = s.data.map(function (v) {
          return { value: v, itemStyle: { color: v < 0 ? "#d9534f" : "#5cb85c" } };
        });
      }
      return s;
    });
    (spec.line || []).forEach(function (i) {
      series.push({ name: headers[i], type: "line", data: column(rows, i), symbolSize: 6 });
    });
    var valueAxis = { type: "value" };
    if (spec.percent) { valueAxis.axisLabel = { formatter: "{value}%" }; valueAxis.max = 100; }
    var categoryAxis = { type: "category", data: categories, axisLabel: {} };
    if (spec.highlight) {
      categoryAxis.axisLabel.formatter = function (v) {
        return spec.highlight.some(function (h) { return v.slice(-h.length) === h; })
          ? "{hi|" + v + "}" : v;
      };
      categoryAxis.axisLabel.rich = { hi: { fontWeight: "bold", color: "#d9534f" } };
    }
    var option = {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: categories.length > 24 && !horizontal ? 48 : 8,
              containLabel: true },
      series: series
    };
    if (horizontal) {
      categoryAxis.inverse = true;
      option.xAxis = valueAxis; option.yAxis = categoryAxis;
    } else {
      option.xAxis = categoryAxis; option.yAxis = valueAxis;
      if (categories.length > 24) {
        option.dataZoom = [{ type: "slider", bottom: 4, height: 18 }, { type: "inside" }];
      }
    }
    return option;
  }

  function pie(table, spec) {
    var i = (spec.series || [1])[0];
    return {
      color: PALETTE,
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { type: "scroll", orient: "vertical", right: 0, top: 20, bottom: 20 },
      series: [{
        type: "pie", radius: ["35%", "68%"], center: ["38%", "55%"],
        data: table.rows.map(function (r) { return { name: r[0], value: r[i] }; }),
        label: { formatter: "{b}\n{d}%" }
      }]
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source || typeof echarts === "undefined") { return; }
    var table = JSON.parse(source.textContent);
    var spec = table.chart || {};
    var chart = echarts.init(el);
    chart.setOption(spec.type === "pie" ? pie(table, spec) : cartesian(table, spec));
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".stats-chart"), draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
