export { AppError, ERROR_STATUS, type ErrorCode, type ErrorDetail, isAppError } from "./errors.js";
export { parseWith, readTextCapped, zodDetails } from "./parse.js";
export { errorBody, errorResponse, json, noContent } from "./respond.js";
export { type Handler, methods, type RouteContext, route, type WebHandler } from "./route.js";
export { textStream } from "./stream.js";
