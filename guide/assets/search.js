// Results as you type, from the index served beside the pages. The scoring is the one of
// guide/src/search.rs (the results page without JavaScript): keep the two the same.
(() => {
  const form = document.querySelector("form.docs-search");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const box = form.querySelector(".docs-hits");
  const list = box.querySelector("ul");
  const status = box.querySelector("[role=status]");
  const isStatic = form.dataset.static === "true";
  let index = null;
  let loading = null;
  const load = () =>
    (loading ??= fetch(form.dataset.index)
      .then((r) => r.json())
      .then((entries) => {
        index = entries.map((e) => ({ ...e, lh: e.h.toLowerCase(), lt: e.t.toLowerCase(), lx: e.x.toLowerCase() }));
      }));
  // As guide/src/search.rs: the first 8 words of the first 200 characters.
  const terms = (q) => [...q].slice(0, 200).join("").toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean).slice(0, 8);
  const search = (q) => {
    const ts = terms(q);
    if (!ts.length) return [];
    const phrase = ts.join(" ");
    const hits = [];
    index.forEach((e, i) => {
      let score = 0;
      for (const t of ts) {
        const s = 5 * e.lh.includes(t) + 3 * e.lt.includes(t) + e.lx.includes(t);
        if (!s) return;
        score += s;
      }
      if (ts.length > 1 && (e.lh.includes(phrase) || e.lx.includes(phrase))) score += 10;
      hits.push([score, i, e]);
    });
    hits.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    return hits.map((h) => h[2]);
  };
  const href = (e) => form.dataset.base + e.p + (isStatic ? ".html" : "") + (e.a ? "#" + e.a : "");
  let shown = 0;
  const show = async () => {
    const q = input.value;
    const asked = ++shown;
    if (!terms(q).length) {
      box.hidden = true;
      return;
    }
    await load();
    if (asked !== shown) return;
    const hits = search(q).slice(0, 8);
    list.replaceChildren(
      ...hits.map((e) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = href(e);
        a.textContent = e.h && e.h !== e.t ? `${e.t} › ${e.h}` : e.t;
        li.append(a);
        return li;
      }),
    );
    status.textContent = hits.length ? `${hits.length === 8 ? "Top 8" : hits.length} result${hits.length === 1 ? "" : "s"}` : "Nothing found";
    box.hidden = false;
  };
  input.addEventListener("input", show);
  input.addEventListener("focus", load, { once: true });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") box.hidden = true;
    if (ev.key === "ArrowDown" && !box.hidden) {
      list.querySelector("a")?.focus();
      ev.preventDefault();
    }
  });
  list.addEventListener("keydown", (ev) => {
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" && at < links.length - 1) links[at + 1].focus();
    else if (ev.key === "ArrowUp") (at > 0 ? links[at - 1] : input).focus();
    else if (ev.key === "Escape") { box.hidden = true; input.focus(); }
    else return;
    ev.preventDefault();
  });
  // A static site has no results page: Enter goes to the best hit.
  form.addEventListener("submit", (ev) => {
    if (!isStatic) return;
    ev.preventDefault();
    show().then(() => list.querySelector("a")?.click());
  });
})();
