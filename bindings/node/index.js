"use strict";
// The addon is one file built from the `ward-node` crate
// (`npm run build` copies it here as ward.node).
const path = require("path");

let binding;
try {
  binding = require(path.join(__dirname, "ward.node"));
} catch (error) {
  const message =
    `@ward-policy/ward: cannot load ${path.join(__dirname, "ward.node")} ` +
    `(${error.message}); build it with \`npm run build\` in bindings/node`;
  throw Object.assign(new Error(message), { code: "INTERNAL", cause: error });
}

module.exports = {
  Policy: binding.Policy,
  Report: binding.Report,
};
