package dev.tokenkeeper.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and key values of the {@code tokenkeeper.token.requests} observation. Declare a
 * bean of this type to change them; {@link DefaultTokenRequestObservationConvention} is the
 * default and a convenient base class.
 *
 * @author TokenKeeper
 */
public interface TokenRequestObservationConvention extends ObservationConvention<TokenRequestObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof TokenRequestObservationContext;
	}

}
