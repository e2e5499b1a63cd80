package io.warren;

/**
 * A refusal that reaches the client as {@code {"error":CODE,"message":...}}. Thrown by validation and by
 * the engine; never carries a tunnel id in its message.
 */
public final class WarrenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public WarrenException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
