// The seed command of the Node hub: reads the records (a JSON array) on stdin and makes them
// the hub's whole roster.   Usage: node seed.js HUB_URL < records.json
"use strict";
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", async () => {
  const base = process.argv[2].replace(/\/+$/, "");
  const response = await fetch(`${base}/admin/roster`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: Buffer.concat(chunks),
  });
  if (!response.ok) {
    process.stderr.write(`seeding ${base} failed: ${response.status} ${await response.text()}\n`);
    process.exit(1);
  }
});
