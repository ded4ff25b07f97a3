(function () {
  "use strict";
  // Everything from the analysed project reaches the page as text: textContent, never HTML.
  var data = JSON.parse(document.getElementById("rk-data").textContent);
  var KINDS = data.kinds;
  var enabled = KINDS.map(function () { return true; });
  var selected = -1;
  var drawerEdge = -1;
  var drawerFile = null;

  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function dependencies(n) { return n.toLocaleString("en-US") + (n === 1 ? " dependency" : " dependencies"); }

  var svg = document.getElementById("graph-svg");
  var paths = {};
  all("#graph-svg .edge").forEach(function (p) { paths[p.getAttribute("data-e")] = p; });
  var cells = {};
  all("#dsm td[data-e]").forEach(function (td) { cells[td.getAttribute("data-e")] = td; });

  // ---- filtering by edge kind --------------------------------------------------------
  function count(edge) {
    var n = 0;
    edge.k.forEach(function (c, i) { if (enabled[i]) { n += c; } });
    return n;
  }
  function strokeWidth(n) { return (1 + (data.maxw - 1) * Math.sqrt(n / Math.max(data.wmax, 1))).toFixed(2); }
  function heat(n) { return n >= 15 ? 4 : n >= 5 ? 3 : n >= 2 ? 2 : n >= 1 ? 1 : 0; }

  function applyFilter() {
    data.edges.forEach(function (edge, i) {
      var n = count(edge);
      var path = paths[i];
      if (path) {
        path.classList.toggle("off", n === 0);
        if (n) { path.setAttribute("stroke-width", strokeWidth(n)); }
      }
      var td = cells[i];
      if (td) {
        td.textContent = n ? String(n) : "";
        td.classList.toggle("off", n === 0);
        td.classList.remove("h1", "h2", "h3", "h4");
        if (n) { td.classList.add("h" + heat(n)); }
        td.tabIndex = n ? 0 : -1;
      }
    });
    if (selected >= 0) { selectUnit(selected); }
    if (drawerEdge >= 0) { showEdge(drawerEdge); }
    if (drawerFile !== null) { showFile(drawerFile.file, drawerFile.module); }
  }
  all("#filters input[data-kinds]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.getAttribute("data-kinds").split(" ").forEach(function (kind) {
        enabled[KINDS.indexOf(kind)] = box.checked;
      });
      applyFilter();
    });
  });

  // ---- the app graph -----------------------------------------------------------------
  function selectUnit(u) {
    selected = u;
    var near = {};
    data.edges.forEach(function (edge, i) {
      var path = paths[i];
      if (!path) { return; }
      var on = count(edge) > 0;
      path.classList.toggle("out", on && edge.s === u);
      path.classList.toggle("in", on && edge.t === u);
      if (on && edge.s === u) { near[edge.t] = true; }
      if (on && edge.t === u) { near[edge.s] = true; }
    });
    svg.classList.toggle("focus", u >= 0);
    all("#graph-svg .node").forEach(function (node) {
      var v = Number(node.getAttribute("data-u"));
      node.classList.toggle("sel", v === u);
      node.classList.toggle("near", !!near[v]);
    });
    all("#dsm tr[data-u]").forEach(function (tr) { tr.classList.toggle("hl", Number(tr.getAttribute("data-u")) === u); });
    renderPanel(u);
  }

  var panel = document.getElementById("app-panel");
  var legend = Array.prototype.slice.call(panel.childNodes);
  function renderPanel(u) {
    panel.textContent = "";
    if (u < 0) { legend.forEach(function (node) { panel.appendChild(node); }); return; }
    var unit = data.units[u];
    panel.appendChild(el("h3", null, unit.name));
    var tags = el("div");
    tags.appendChild(el("span", "tag " + unit.kind, unit.kind));
    if (unit.cycle) { tags.appendChild(document.createTextNode(" ")); tags.appendChild(el("span", "tag cyc", "cycle group " + unit.cycle)); }
    panel.appendChild(tags);
    var dl = el("dl", "metrics");
    [["Modules", unit.modules], ["Lines", unit.lines.toLocaleString("en-US")],
     ["Apps it depends on (Ce)", unit.ce], ["Apps depending on it (Ca)", unit.ca],
     ["Dependencies out", unit.out], ["Dependencies in", unit["in"]],
     ["Instability", unit.instability.toFixed(2)]].forEach(function (row) {
      dl.appendChild(el("dt", null, row[0]));
      dl.appendChild(el("dd", null, row[1]));
    });
    panel.appendChild(dl);
    edgeList("Depends on", "out", function (e) { return e.s === u; }, function (e) { return e.t; });
    edgeList("Used by", "in", function (e) { return e.t === u; }, function (e) { return e.s; });
    if (unit.externals.length) {
      panel.appendChild(el("h4", null, "External apps"));
      panel.appendChild(el("p", "muted", unit.externals.join(", ")));
    }
    var clear = el("button", "linkish", "Clear selection");
    clear.type = "button";
    clear.addEventListener("click", function () { selectUnit(-1); });
    panel.appendChild(clear);
  }
  function edgeList(title, css, keep, other) {
    var rows = [];
    data.edges.forEach(function (edge, i) {
      var n = count(edge);
      if (keep(edge) && n) { rows.push([i, n, data.units[other(edge)].name]); }
    });
    rows.sort(function (a, b) { return b[1] - a[1] || (a[2] < b[2] ? -1 : 1); });
    var head = el("h4");
    head.appendChild(el("span", "dot " + css));
    head.appendChild(document.createTextNode(title + " (" + rows.length + ")"));
    panel.appendChild(head);
    var list = el("ul", "edge-list");
    rows.forEach(function (row) {
      var item = el("li");
      var button = el("button", "linkish");
      button.type = "button";
      button.setAttribute("data-edge", row[0]);
      button.appendChild(el("span", null, row[2]));
      button.appendChild(el("span", "count", row[1]));
      item.appendChild(button);
      list.appendChild(item);
    });
    if (!rows.length) { list.appendChild(el("li", "muted", "none")); }
    panel.appendChild(list);
  }

  all("#graph-svg .node").forEach(function (node) {
    var u = Number(node.getAttribute("data-u"));
    node.addEventListener("click", function (event) { event.stopPropagation(); selectUnit(selected === u ? -1 : u); });
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); selectUnit(selected === u ? -1 : u); }
    });
  });
  svg.addEventListener("click", function (event) {
    var path = event.target.closest ? event.target.closest(".edge") : null;
    if (path) { showEdge(Number(path.getAttribute("data-e"))); } else { selectUnit(-1); }
  });

  var zoom = document.getElementById("zoom");
  zoom.addEventListener("click", function () {
    var actual = svg.parentNode.classList.toggle("actual");
    zoom.setAttribute("aria-pressed", String(actual));
    zoom.textContent = actual ? "Fit to width" : "Actual size";
  });

  // ---- the evidence drawer -----------------------------------------------------------
  var drawer = document.getElementById("drawer");
  var drawerTitle = document.getElementById("drawer-title");
  var drawerSub = document.getElementById("drawer-sub");
  var drawerBody = document.getElementById("drawer-body");
  var lastFocus = null;

  function openDrawer() {
    if (drawer.hidden) { lastFocus = document.activeElement; }
    drawer.hidden = false;
    document.getElementById("drawer-close").focus();
  }
  function closeDrawer() {
    drawer.hidden = true;
    drawerEdge = -1;
    drawerFile = null;
    if (lastFocus && lastFocus.focus) { lastFocus.focus(); }
  }
  document.getElementById("drawer-close").addEventListener("click", closeDrawer);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape" && !drawer.hidden) { closeDrawer(); } });

  function renderEvidence(items) {
    drawerBody.textContent = "";
    var lastFile = null;
    items.forEach(function (item) {
      var file = data.files[item[0]];
      if (file !== lastFile) { drawerBody.appendChild(el("div", "ev-file", file)); lastFile = file; }
      var row = el("div", "ev");
      var where = el("span", "ln", item[1]);
      where.appendChild(el("span", "k", KINDS[item[2]]));
      row.appendChild(where);
      row.appendChild(el("code", null, item[3]));
      drawerBody.appendChild(row);
    });
  }
  function kindsText(edge) {
    var parts = [];
    edge.k.forEach(function (c, i) { if (c) { parts.push(KINDS[i] + " " + c + (enabled[i] ? "" : " (hidden)")); } });
    return parts.join(" · ");
  }
  function showEdge(i) {
    var edge = data.edges[i];
    drawerEdge = i;
    drawerFile = null;
    drawerTitle.textContent = data.units[edge.s].name + " → " + data.units[edge.t].name;
    var n = count(edge);
    drawerSub.textContent = dependencies(n) + (edge.cut ? " · a suggested cut" : "") + " · " + kindsText(edge);
    var shown = edge.ev.filter(function (item) { return enabled[item[2]]; });
    renderEvidence(shown);
    if (n > shown.length) {
      drawerBody.appendChild(el("p", "ev-more", (n - shown.length).toLocaleString("en-US") + " more not shown in this page; `refactorkit analyze --format json` lists them all."));
    }
    if (!n) { drawerBody.appendChild(el("p", "ev-more", "Every dependency of this edge is of a kind the filter hides.")); }
    openDrawer();
  }
  function showFile(file, module) {
    drawerEdge = -1;
    drawerFile = { file: file, module: module };
    var fileIndex = data.files.indexOf(file);
    var items = [];
    data.edges.forEach(function (edge) {
      edge.ev.forEach(function (item) {
        if (item[0] === fileIndex && enabled[item[2]]) { items.push(item); }
      });
    });
    items.sort(function (a, b) { return a[1] - b[1]; });
    drawerTitle.textContent = module;
    drawerSub.textContent = items.length ? "Its dependencies on other apps, as far as this page lists them" : "No dependency on another app is listed for it in this page.";
    renderEvidence(items);
    openDrawer();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-edge],[data-unit],[data-file]") : null;
    if (!target) { return; }
    if (target.hasAttribute("data-edge")) { showEdge(Number(target.getAttribute("data-edge"))); }
    else if (target.hasAttribute("data-unit")) {
      selectUnit(Number(target.getAttribute("data-unit")));
      document.getElementById("graph").scrollIntoView({ behavior: "smooth" });
    } else { showFile(target.getAttribute("data-file"), target.getAttribute("data-module")); }
  });

  var dsm = document.getElementById("dsm");
  function cellEvidence(event) {
    var td = event.target.closest ? event.target.closest("td[data-e]") : null;
    if (td && !td.classList.contains("off")) { showEdge(Number(td.getAttribute("data-e"))); }
  }
  dsm.addEventListener("click", cellEvidence);
  dsm.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); cellEvidence(event); } });

  // ---- sortable tables ---------------------------------------------------------------
  all("table.sortable").forEach(function (table) {
    var heads = all("th[data-sort]", table);
    heads.forEach(function (th, column) {
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") === "descending" || (th.getAttribute("data-sort") === "text" && th.getAttribute("aria-sort") !== "ascending");
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.getAttribute("data-sort") === "num";
        function value(row) {
          var cell = row.cells[column];
          var raw = cell.getAttribute("data-v");
          if (raw === null) { raw = cell.textContent.trim(); }
          return numeric ? Number(raw) : raw.toLowerCase();
        }
        rows.sort(function (a, b) {
          var x = value(a), y = value(b);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); } });
    });
  });

  applyFilter();
})();
