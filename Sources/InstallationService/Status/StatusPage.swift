/// The status page: one self-contained HTML file (no outside scripts, fonts or images) that
/// polls /api/status every second and sends commands to /api/command with the token, which
/// the phone keeps in its local storage.
enum StatusPage {
  static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Hearing Birdsong</title>
    <style>
      :root { color-scheme: light dark; --ok: #1b7f3b; --warn: #b25b00; --bad: #b00020; }
      body { font: 17px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 42rem; padding: 0.8rem; }
      h1 { font-size: 1.3rem; margin: 0.2rem 0 0.6rem; }
      .state { padding: 0.6rem 0.8rem; border-radius: 0.5rem; color: #fff; font-weight: 600; }
      .state.ok { background: var(--ok); } .state.warn { background: var(--warn); } .state.bad { background: var(--bad); }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.8rem; margin: 0.8rem 0; }
      dt { opacity: 0.75; } dd { margin: 0; }
      .box { border: 1px solid #8886; border-radius: 0.5rem; padding: 0.6rem; margin: 0.5rem 0; }
      .box header { display: flex; justify-content: space-between; gap: 0.5rem; font-weight: 600; }
      .meter { height: 0.7rem; background: #8883; border-radius: 0.35rem; overflow: hidden; margin: 0.4rem 0; }
      .meter div { height: 100%; background: var(--ok); width: 0; transition: width 0.2s; }
      .tag { font-size: 0.85rem; padding: 0.05rem 0.45rem; border-radius: 0.8rem; background: #8884; }
      .tag.singing { background: var(--ok); color: #fff; }
      button { font: inherit; padding: 0.55rem 0.9rem; margin: 0.2rem 0.3rem 0.2rem 0; border-radius: 0.4rem;
               border: 1px solid #8888; min-height: 2.8rem; }
      .controls { margin: 0.8rem 0; }
      #message { min-height: 1.4rem; font-weight: 600; }
      input { font: inherit; padding: 0.45rem; width: 13rem; }
      small { opacity: 0.75; }
    </style>
    </head>
    <body>
    <h1>Hearing Birdsong</h1>
    <div id="state" class="state warn" role="status">Connecting…</div>
    <dl id="facts"></dl>
    <section class="controls" id="controls" hidden>
      <button data-command="quiet 300">Quiet for 5 minutes</button>
      <button data-command="quiet 0">End the quiet</button>
      <button data-command="resume">Resume paused boxes</button>
      <button data-command="sweep">Sweep (each box in turn)</button>
      <p><label>Token <input id="token" type="password" autocomplete="current-password"></label>
      <small>kept on this phone only</small></p>
    </section>
    <p id="message" role="alert"></p>
    <section id="boxes"></section>
    <script>
    "use strict";
    const tokenField = document.getElementById("token");
    tokenField.value = localStorage.getItem("birdsong-token") || "";
    tokenField.addEventListener("change", () => localStorage.setItem("birdsong-token", tokenField.value));
    function clock(seconds) {
      const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
      return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
    }
    function text(tag, value, className) {
      const node = document.createElement(tag);
      node.textContent = value;
      if (className) node.className = className;
      return node;
    }
    async function send(command) {
      const message = document.getElementById("message");
      message.textContent = `Sending “${command}”…`;
      try {
        const answer = await fetch("/api/command", { method: "POST", body: command,
          headers: { "Authorization": "Bearer " + tokenField.value } });
        message.textContent = (answer.ok ? "Done: " : "Not done: ") + (await answer.text());
        refresh();
      } catch (error) { message.textContent = "Not done: the installation did not answer"; }
    }
    document.querySelectorAll("[data-command]").forEach(button =>
      button.addEventListener("click", () => send(button.dataset.command)));
    function render(status) {
      const state = document.getElementById("state");
      const quiet = status.quietSeconds > 0 ? `, quiet for ${clock(status.quietSeconds)}` : "";
      if (!status.playing) {
        state.className = "state bad"; state.textContent = `No sound: waiting for ${status.device}`;
      } else if (!status.open) {
        state.className = "state warn"; state.textContent = "Playing, outside opening hours: the birds are quiet";
      } else {
        state.className = "state ok";
        state.textContent = `Playing on ${status.device}${quiet}${status.sweeping ? ", sweeping" : ""}`;
      }
      const facts = document.getElementById("facts");
      facts.replaceChildren();
      for (const [name, value] of [["Device", status.deviceDetail], ["Up for", clock(status.uptimeSeconds)],
          ["Opening hours", status.openingHours], ["Underruns", status.underruns],
          ["Outages", `${status.outages} (came back ${status.reconnects} times)`]]
          .concat(status.kioskChecksToday == null ? [] : [["Kiosk checks today", status.kioskChecksToday]])) {
        facts.append(text("dt", name), text("dd", String(value)));
      }
      document.getElementById("controls").hidden = !status.commandsEnabled;
      const boxes = document.getElementById("boxes");
      const names = status.boxes.map(box => box.name).join("\n") + (status.commandsEnabled ? "\n+" : "");
      if (boxes.dataset.names !== names) {
        // Cards are made once and then updated in place, so a tap never lands on a card
        // that a refresh has just replaced.
        boxes.dataset.names = names;
        boxes.replaceChildren(...status.boxes.map(box => card(box, status.commandsEnabled)));
      }
      status.boxes.forEach((box, index) => update(boxes.children[index], box));
    }
    function card(box, commandsEnabled) {
      const card = document.createElement("article");
      card.className = "box";
      const header = document.createElement("header");
      header.append(text("span", `${box.channel}. ${box.name}`), text("span", "", "tag"));
      const meter = document.createElement("div");
      meter.className = "meter";
      meter.setAttribute("role", "meter");
      meter.setAttribute("aria-label", `${box.name} level`);
      meter.append(document.createElement("div"));
      card.append(header, text("div", `${box.sound}, ${box.band}`), meter, text("small", ""));
      if (commandsEnabled) {
        const actions = document.createElement("div");
        const sing = text("button", "Sing now");
        sing.addEventListener("click", () => send(`sing ${box.name}`));
        const identify = text("button", "Identify", "identify");
        identify.addEventListener("click", () => send(`identify ${box.name}`));
        const pause = text("button", "Pause", "pause");
        pause.addEventListener("click", () =>
          send(`${pause.textContent === "Resume" ? "resume" : "pause"} ${box.name}`));
        actions.append(sing, identify, pause);
        card.append(actions);
      }
      return card;
    }
    function update(card, box) {
      const tag = card.querySelector(".tag");
      tag.textContent = box.singing ? "singing" : box.state;
      tag.className = "tag" + (box.singing ? " singing" : "");
      const meter = card.querySelector(".meter");
      meter.setAttribute("aria-valuenow", Math.round(box.levelDBFS));
      meter.firstChild.style.width = `${Math.max(0, Math.min(100, (box.levelDBFS + 60) / 60 * 100))}%`;
      card.querySelector("small").textContent = `${box.songs} songs, ${box.songsThisHour} this hour`;
      const pause = card.querySelector(".pause");
      if (pause) pause.textContent = box.state === "paused" ? "Resume" : "Pause";
    }
    async function refresh() {
      try {
        const answer = await fetch("/api/status", { cache: "no-store" });
        if (answer.ok) render(await answer.json());
      } catch (error) {
        const state = document.getElementById("state");
        state.className = "state bad"; state.textContent = "The installation does not answer";
      }
    }
    refresh();
    setInterval(refresh, 1000);
    </script>
    </body>
    </html>
    """#
}
