// Refreshes the page from /api/status every few seconds; draws what the
// server's template draws (page.html), from the same JSON.
(function () {
  "use strict";
  var W = 600, H = 120, COLORS = ["#2a7", "#27c", "#c52", "#a3c", "#c90", "#3aa", "#777", "#e48"];
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function bytes(n) {
    if (n < 1024) return n + " B";
    var exp = -1; do { n /= 1024; exp++; } while (n >= 1024 && exp < 4);
    var s = n.toFixed(1).replace(/\.0$/, ""); return s + " " + "KMGTP"[exp] + "iB";
  }
  function clock(t) { return new Date(t).toLocaleTimeString(); }
  function zero(t) { return !t || t.indexOf("0001-01-01") === 0; }
  function age(t, now) {
    var s = Math.max(0, (Date.parse(now) - Date.parse(t)) / 1000);
    if (s < 60) return Math.round(s) + "s"; if (s < 3600) return Math.round(s / 60) + "m";
    if (s < 86400) return (s / 3600).toFixed(1).replace(/\.0$/, "") + "h"; return (s / 86400).toFixed(1).replace(/\.0$/, "") + "d";
  }
  function dur(ns) { return ns < 1e9 ? Math.round(ns / 1e6) + "ms" : (ns / 1e9).toFixed(1) + "s"; }
  function badge(cls, text) { return '<span class="badge ' + cls + '">' + esc(text) + "</span>"; }
  function path(pts, from, to, top) {
    var d = "";
    pts.forEach(function (p) {
      if (p.t < from || p.t > to) return;
      var x = (p.t - from) / (to - from) * W, y = H - Math.min(p.v / top, 1) * H;
      d += (d ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1) + " ";
    });
    return d.trim();
  }
  function axis(v, unit) {
    if (unit === "s") return (v * 1000).toFixed(1) + " ms";
    if (unit === "B") return bytes(Math.round(v));
    return v.toPrecision(3);
  }
  function chart(title, unit, from, to, series) {
    var top = 0; series.forEach(function (s) { s.points.forEach(function (p) { top = Math.max(top, p.v); }); });
    if (top === 0) top = 1;
    var paths = series.map(function (s, i) {
      return '<path stroke="' + COLORS[i % COLORS.length] + '" d="' + path(s.points, from, to, top) + '"><title>' + esc(s.name) + "</title></path>";
    }).join("");
    return '<div class="chart"><div>' + esc(title) +  ' <span class="mute">max ' + esc(axis(top, unit)) + "</span></div>" +
      '<svg viewBox="0 0 ' + W + " " + H + '" preserveAspectRatio="none">' + paths + "</svg></div>";
  }
  function render(st) {
    var h = "<h1>berth serve <span class=\"mute\">" + esc(st.endpoint) + "</span></h1><div id=\"daemon\">daemon ";
    if (!st.daemon.known) h += badge("warn", "not pinged yet");
    else if (st.daemon.up) h += badge("ok", "up") + " ping " + (st.daemon.ping_seconds * 1000).toFixed(1) + " ms";
    else h += badge("bad", "DOWN") + ' <span class="mute">' + esc(st.daemon.error) + "</span>";
    h += " · breaker " + (st.breaker.open ? badge("bad", "OPEN") + " until " + clock(st.breaker.open_until) : badge("ok", "closed"));
    h += ' <span class="mute">(opened ' + st.breaker.openings + "×)</span> · <span class=\"mute\">updated " + clock(st.now) + "</span></div>";
    if (st.error) h += '<p class="badge warn">' + esc(st.error) + "</p>";
    var c = st.charts;
    h += '<h2>Last hour</h2><div class="charts">' + chart("daemon ping", "s", c.from, c.to, [c.ping]) +
      chart("memory per container", "B", c.from, c.to, c.memory) + chart("docker calls/s", "", c.from, c.to, [c.ops]) +
      chart("restarts/min", "", c.from, c.to, [c.restarts]) + "</div>";
    h += '<h2>Environments <span class="mute" id="env-count">' + st.envs.length + '</span></h2><div id="envs">';
    st.envs.forEach(function (e) {
      h += '<div class="env" data-id="' + esc(e.id) + '"><b>' + esc(e.project) + "</b> <code>" + esc(e.id) + "</code> · " + esc(e.mode) +
        ' · <span class="state">' + esc(e.state) + "</span> · age " + age(e.created_at, st.now) + (e.idle_since ? " · idle " + age(e.idle_since, st.now) : "");
      h += '<table class="leases"><tr><th>lease</th><th>holder</th><th>host</th><th></th></tr>';
      (e.leases || []).forEach(function (l) {
        h += '<tr class="lease"><td><code>' + esc(l.id) + "</code></td><td>PID " + l.pid + "</td><td>" + esc(l.host) + "</td><td>" +
          (l.live ? badge("ok", "live") : badge("bad", "dead")) + "</td></tr>";
      });
      if (!e.leases || !e.leases.length) h += '<tr><td class="mute" colspan="4">no leases</td></tr>';
      h += '</table><table class="services"><tr><th>service</th><th>state</th><th>health</th><th>memory</th><th></th></tr>';
      (e.services || []).forEach(function (s) {
        var pct = s.memory_percent || 0;
        h += '<tr class="service" data-service="' + esc(s.service) + '"><td>' + esc(s.service) + "</td><td>" + esc(s.state) + "</td><td>" + esc(s.health) + "</td><td>";
        if (s.memory_limit) h += '<span class="bar' + (s.high ? " high" : "") + '"><span style="width:' + Math.min(pct, 100).toFixed(1) + '%"></span></span>';
        h += "</td><td>" + bytes(s.memory_usage || 0) + (s.memory_limit ? " / " + bytes(s.memory_limit) + " (" + pct.toFixed(0) + "%)" : "") +
          (s.high ? " " + badge("warn", "HIGH") : "") + (s.oom_killed ? " " + badge("bad", "OOM-killed") : "") + "</td></tr>";
      });
      h += "</table></div>";
    });
    if (!st.envs.length) h += '<p class="mute">no environments</p>';
    h += '</div><h2>Cleanup</h2><div id="gc">' + (st.gc.enabled ? "gc " + esc(st.gc.mode) + " every " + esc(st.gc.every) +
      (zero(st.gc.next) ? "" : ", next " + clock(st.gc.next)) : '<span class="mute">scheduled gc off</span>');
    h += "<table><tr><th>run</th><th>mode</th><th>actions</th><th>removed</th><th>torn down</th><th>reclaimed</th><th>took</th><th></th></tr>";
    st.gc.runs.forEach(function (r) {
      h += '<tr class="gcrun"><td>' + clock(r.ts) + "</td><td>" + esc(r.mode) + "</td><td>" + r.actions + "</td><td>" + r.removed + "</td><td>" +
        r.torn_down + "</td><td>" + bytes(r.reclaimed) + "</td><td>" + dur(r.duration) + '</td><td class="mute">' + esc(r.error) + "</td></tr>";
    });
    if (!st.gc.runs.length) h += '<tr><td class="mute" colspan="8">no runs yet</td></tr>';
    h += '</table></div><h2>Disk</h2><div id="disk">';
    if (st.disk) {
      h += "<table><tr><th>kind</th><th>count</th><th>size</th><th>reclaimable</th></tr>";
      st.disk.kinds.forEach(function (k) { h += "<tr><td>" + esc(k.kind) + "</td><td>" + k.count + "</td><td>" + bytes(k.size) + "</td><td>" + bytes(k.reclaimable) + "</td></tr>"; });
      h += '</table><span class="mute">measured ' + clock(st.disk.at) + "</span>";
    } else h += '<span class="mute">not measured yet</span>';
    return h + "</div>";
  }
  function refresh() {
    fetch("api/status", { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("status " + r.status); return r.json(); })
      .then(function (st) { document.getElementById("app").innerHTML = render(st); document.body.dataset.refreshed = st.now; })
      .catch(function (e) { document.body.dataset.refreshError = String(e); })
      .then(function () { setTimeout(refresh, 2000); });
  }
  setTimeout(refresh, 2000);
})();
