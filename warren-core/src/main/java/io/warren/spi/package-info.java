/** References are non-null unless marked {@code @Nullable}; NullAway checks it on every build. */
@NullMarked
package io.warren.spi;

import org.jspecify.annotations.NullMarked;
