package io.zhiyue.gateway.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The access rule of a public route: who may call it and which rate limits it counts against.
 * A route without one is refused (fail closed).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Access {

    RouteClass value();

    Audience audience();
}
