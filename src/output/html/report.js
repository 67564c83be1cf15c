// Interaction of report.html: sortable tables, hover values on charts, click a legend entry
// to hide its series. Plain JavaScript, no library, no network.
(function () {
  "use strict";
  // Sortable tables: click a header to sort by it (numbers numerically), again to reverse.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, col) {
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var dir = th.getAttribute("data-dir") === "asc" ? -1 : 1;
        table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", dir === 1 ? "asc" : "desc");
        var key = function (row) {
          var cell = row.cells[col];
          var raw = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
          var n = parseFloat(raw);
          return isNaN(n) ? raw : n;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (typeof x === "number" && typeof y === "number") return dir * (x - y);
          return dir * String(x).localeCompare(String(y));
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  // Numbers as the charts print them: plain, exponent, or with a k / M suffix.
  function parseTick(text) {
    var m = /^\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*([kM]?)\s*$/.exec(text || "");
    if (!m) return null;
    var v = parseFloat(m[1]);
    if (isNaN(v)) return null;
    return v * (m[2] === "k" ? 1e3 : m[2] === "M" ? 1e6 : 1);
  }
  function num(el, name) { return parseFloat(el.getAttribute(name) || "0"); }
  function colourOf(el) {
    var c = el.getAttribute("stroke");
    if (!c || c === "none") c = el.getAttribute("fill");
    return (c || "").toUpperCase();
  }
  function grey(c) {
    var m = /^#([0-9A-F]{2})([0-9A-F]{2})([0-9A-F]{2})$/.exec(c);
    if (!m) return true;
    return m[1] === m[2] && m[2] === m[3];
  }
  function fmt(v) {
    if (!isFinite(v)) return "-";
    var a = Math.abs(v);
    if (a >= 1e4) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    return v.toPrecision(3);
  }
  // A linear map from two or more (pixel, value) pairs; null if undetermined.
  function fit(pairs) {
    if (pairs.length < 2) return null;
    var a = pairs[0], b = pairs[pairs.length - 1];
    if (a[0] === b[0]) return null;
    var slope = (b[1] - a[1]) / (b[0] - a[0]);
    return function (p) { return a[1] + slope * (p - a[0]); };
  }

  var tip = document.getElementById("tip");
  document.querySelectorAll("figure svg").forEach(function (svg) {
    var texts = Array.prototype.slice.call(svg.querySelectorAll("text"));
    // Legend entries: a text with coloured samples (band box, line, circle) just to its left,
    // at its height. Plotters writes the texts first and the samples after them.
    var samples = Array.prototype.slice.call(svg.querySelectorAll("rect,polyline,circle,path")).filter(function (el) {
      if (grey(colourOf(el))) return false;
      if (el.tagName === "polyline") return (el.getAttribute("points") || "").trim().split(/\s+/).length <= 2;
      if (el.tagName === "rect") return num(el, "width") <= 30 && num(el, "height") <= 20;
      return true;
    }).map(function (el) { return { el: el, box: el.getBBox() }; });
    var legends = [];
    texts.forEach(function (t) {
      var tb = t.getBBox();
      var mid = tb.y + tb.height / 2;
      var mine = samples.filter(function (s) {
        var right = s.box.x + s.box.width;
        return right <= tb.x + 1 && right >= tb.x - 16 && Math.abs(s.box.y + s.box.height / 2 - mid) < tb.height / 2 + 3;
      });
      if (!mine.length) return;
      var line = mine.filter(function (s) { return s.el.tagName !== "rect"; })[0] || mine[0];
      legends.push({ text: t, colour: colourOf(line.el), sample: mine.map(function (s) { return s.el; }) });
    });
    legends.forEach(function (entry) {
      entry.text.style.cursor = "pointer";
      entry.text.addEventListener("click", function () {
        var hidden = entry.text.getAttribute("data-hidden") === "1";
        svg.querySelectorAll("polyline,polygon,circle,path,line").forEach(function (el) {
          if (entry.sample.indexOf(el) >= 0) return;
          if (colourOf(el) === entry.colour) el.style.display = hidden ? "" : "none";
        });
        entry.sample.concat([entry.text]).forEach(function (el) { el.style.opacity = hidden ? "" : "0.3"; });
        entry.text.setAttribute("data-hidden", hidden ? "0" : "1");
      });
    });
    // Tick labels, for turning pixels back into values.
    var ticks = [];
    texts.forEach(function (t) {
      var v = parseTick(t.textContent);
      if (v === null) return;
      ticks.push({ x: num(t, "x"), y: num(t, "y"), v: v, anchor: t.getAttribute("text-anchor") || "start" });
    });
    // Candidate points: vertices of coloured lines and centres of coloured circles.
    var points = [];
    svg.querySelectorAll("polyline").forEach(function (pl) {
      var c = colourOf(pl);
      if (grey(c) || legends.some(function (l) { return l.sample.indexOf(pl) >= 0; })) return;
      (pl.getAttribute("points") || "").trim().split(/\s+/).forEach(function (pair) {
        var xy = pair.split(",");
        if (xy.length === 2) points.push({ x: +xy[0], y: +xy[1], c: c });
      });
    });
    svg.querySelectorAll("circle").forEach(function (ci) {
      var c = colourOf(ci);
      if (grey(c) || legends.some(function (l) { return l.sample.indexOf(ci) >= 0; })) return;
      points.push({ x: num(ci, "cx"), y: num(ci, "cy"), c: c });
    });
    if (!points.length) return;
    svg.addEventListener("mousemove", function (ev) {
      var ctm = svg.getScreenCTM();
      if (!ctm) return;
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      var p = pt.matrixTransform(ctm.inverse());
      var best = null, bestD = 400;
      points.forEach(function (q) {
        var d = (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y);
        if (d < bestD && q.hidden !== true) { bestD = d; best = q; }
      });
      if (!best) { tip.style.display = "none"; return; }
      // The y axis of the panel: right-aligned ticks nearest to the left of the point.
      var ys = ticks.filter(function (t) { return t.anchor === "end" && t.x < best.x; });
      var yx = Math.max.apply(null, ys.map(function (t) { return t.x; }));
      ys = ys.filter(function (t) { return Math.abs(t.x - yx) < 3; }).sort(function (a, b) { return a.y - b.y; });
      var xs = ticks.filter(function (t) { return t.anchor === "middle" && t.y > best.y && t.x > yx; });
      var xy = Math.min.apply(null, xs.map(function (t) { return t.y; }));
      xs = xs.filter(function (t) { return Math.abs(t.y - xy) < 3; }).sort(function (a, b) { return a.x - b.x; });
      var fy = fit(ys.map(function (t) { return [t.y, t.v]; }));
      var fx = fit(xs.map(function (t) { return [t.x, t.v]; }));
      var label = "";
      legends.forEach(function (l) { if (l.colour === best.c && !label) label = l.text.textContent.trim(); });
      tip.textContent = (label ? label + ": " : "") + (fx ? "x = " + fmt(fx(best.x)) + ", " : "") + (fy ? "y = " + fmt(fy(best.y)) : "");
      tip.style.left = (ev.clientX + 12) + "px";
      tip.style.top = (ev.clientY + 12) + "px";
      tip.style.display = tip.textContent ? "block" : "none";
    });
    svg.addEventListener("mouseleave", function () { tip.style.display = "none"; });
  });
  // Self-test for the browser test (report.html#selftest): hover over the first point of the
  // first chart and click its first legend entry, and record what happened in the DOM.
  if (location.hash === "#selftest") {
    var long = function (pl) {
      return !grey(colourOf(pl)) && (pl.getAttribute("points") || "").trim().split(/\s+/).length > 2;
    };
    var svg = Array.prototype.slice.call(document.querySelectorAll("figure svg")).filter(function (g) {
      return Array.prototype.slice.call(g.querySelectorAll("polyline")).some(long);
    })[0];
    var line = svg && Array.prototype.slice.call(svg.querySelectorAll("polyline")).filter(long)[0];
    if (line) {
      var xy = line.getAttribute("points").trim().split(/\s+/)[1].split(",");
      var pt = svg.createSVGPoint();
      pt.x = +xy[0]; pt.y = +xy[1];
      var c = pt.matrixTransform(svg.getScreenCTM());
      svg.dispatchEvent(new MouseEvent("mousemove", { clientX: c.x, clientY: c.y, bubbles: true }));
      document.body.setAttribute("data-hover", tip.textContent);
    }
    var entry = svg && Array.prototype.slice.call(svg.querySelectorAll("text")).filter(function (t) {
      return t.style.cursor === "pointer";
    })[0];
    if (entry) {
      entry.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      var hidden = Array.prototype.slice.call(svg.querySelectorAll("*")).filter(function (el) {
        return el.style.display === "none";
      }).length;
      document.body.setAttribute("data-legend-hidden", String(hidden));
    }
  }
  document.body.setAttribute("data-ready", "1");
})();
