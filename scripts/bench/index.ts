/** `npm run bench`: every benchmark of the project (for now the wallet transfers benchmark). */
await import("./transfers.js");
