/** References are non-null unless marked {@code @Nullable}; NullAway checks it on every build. */
@NullMarked
package io.warren.engine;

import org.jspecify.annotations.NullMarked;
