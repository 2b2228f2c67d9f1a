package dev.tokenkeeper.sample.app;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What {@code GET /demo} calls.
 *
 * @param targets by TokenKeeper registration id, the URL the demo calls for it; each URL lies
 * under that registration's {@code base-urls}, so TokenKeeper attaches its token
 * @param maxCalls the most calls one demo request may ask for
 * @param maxConnections the size of the demo WebClient's connection pool
 */
@ConfigurationProperties("sample.demo")
public record DemoProperties(Map<String, String> targets, @DefaultValue("2000") int maxCalls,
		@DefaultValue("1000") int maxConnections) {

}
