export { type DownlineQuery, downlineQuerySchema, listDownline, type RetailerSummary } from "./list-downline.js";
