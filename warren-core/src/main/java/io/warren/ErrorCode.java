package io.warren;

/** The error codes of the wire contract, each with the HTTP status it is answered with at request level. */
public enum ErrorCode {
    BAD_REQUEST("bad-request", 400),
    BAD_JSON("bad-json", 400),
    BAD_PATH("bad-path", 400),
    UNKNOWN_FORMAT("unknown-format", 400),
    UNKNOWN_TUNNEL("unknown-tunnel", 404),
    TOO_LARGE("too-large", 413),
    BAD_CALLBACK("bad-callback", 400),
    METHOD_NOT_ALLOWED("method-not-allowed", 405),
    UNAUTHORIZED("unauthorized", 401),
    FORBIDDEN("forbidden", 403),
    NOT_FOUND("not-found", 404),
    /** A per-tunnel rate (events per second) was exceeded; the entry was dropped. */
    RATE_LIMITED("rate-limited", 429),
    /** A count limit (interests per tunnel, tunnels per client address) was reached. */
    TOO_MANY("too-many", 429),
    OVERLOADED("overloaded", 503);

    private final String wireName;
    private final int httpStatus;

    ErrorCode(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    /** The code as it appears in the {@code error} field. */
    public String wireName() {
        return wireName;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public WarrenException exception(String message) {
        return new WarrenException(this, message);
    }
}
