/**
 * Errors a service raises on purpose. Route handlers and server actions map them to responses
 * (lib/http/api.ts); anything else is an internal error and never leaks a stack trace.
 */
export type ErrorDetail = { path: string; message: string };

export type ServiceErrorCode =
  | "VALIDATION_FAILED"
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE"
  | "UNAVAILABLE";

const HTTP_STATUS: Record<ServiceErrorCode, number> = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  /** The server cannot do it as configured (e.g. its secrets key is malformed); the message says what to fix. */
  SERVICE_UNAVAILABLE: 503,
  /** Too busy to do it now (the expression pool's queue is full); try again. */
  UNAVAILABLE: 503,
};

export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ServiceErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = "ServiceError";
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export function validationFailed(message: string, details: ErrorDetail[]): ServiceError {
  return new ServiceError("VALIDATION_FAILED", message, details);
}

export function notFound(message: string): ServiceError {
  return new ServiceError("NOT_FOUND", message);
}

export function conflict(message: string, details: ErrorDetail[] = []): ServiceError {
  return new ServiceError("CONFLICT", message, details);
}

/** The actor may not do this (e.g. approve a task whose approvers do not include them) → 403. */
export function forbidden(message: string): ServiceError {
  return new ServiceError("FORBIDDEN", message);
}

/** No credentials, or credentials that are not (or no longer) valid → 401. */
export function unauthorized(message: string): ServiceError {
  return new ServiceError("UNAUTHORIZED", message);
}
