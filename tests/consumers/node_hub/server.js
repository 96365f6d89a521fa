// A state-hub in Node, with no dependency: GET /repos/ as the kaizen contract says (profile v2),
// and PUT /admin/roster, which replaces the whole roster (what seed.js calls).
// Usage: node server.js [PORT]   (PORT 0: any free port; the port is printed on stdout)
"use strict";
const http = require("http");

const FLAG = "kaizen_schedule_enabled";
const STAMP = "kaizen_schedule_updated_at";
let roster = [];

function asListed(record) {
  // a repo never flagged reports false / null; timestamps are kept as the strings given
  return {
    slug: record.slug,
    domain: record.domain,
    host_paths: record.host_paths,
    [FLAG]: record[FLAG] === true,
    [STAMP]: record[STAMP] === undefined ? null : record[STAMP],
  };
}

function send(response, status, body) {
  const data = Buffer.from(JSON.stringify(body), "utf8");
  response.writeHead(status, { "content-type": "application/json", "content-length": data.length });
  response.end(data);
}

function listRepos(url, response) {
  let listed = roster.map(asListed);
  const domain = url.searchParams.get("domain");
  if (domain !== null) listed = listed.filter((r) => r.domain === domain);
  const flag = url.searchParams.get(FLAG);
  if (flag !== null) {
    if (flag !== "true" && flag !== "false") {
      return send(response, 422, { detail: `${FLAG} must be true or false, not ${JSON.stringify(flag)}` });
    }
    listed = listed.filter((r) => r[FLAG] === (flag === "true"));
  }
  send(response, 200, listed);
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, "http://hub");
  if (url.pathname === "/repos/" && request.method === "GET") return listRepos(url, response);
  if (url.pathname === "/admin/roster" && request.method === "PUT") {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      try {
        const records = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (!Array.isArray(records)) throw new Error("not an array");
        roster = records;
        send(response, 200, { replaced: records.length });
      } catch (error) {
        send(response, 400, { detail: String(error) });
      }
    });
    return;
  }
  send(response, 404, { detail: "not found" });
});

server.listen(Number(process.argv[2] || 0), "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
