export * from "./paise.js";
