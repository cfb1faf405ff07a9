package net.pptpgw.protocol.ppp.session;

import java.util.Optional;

/** The authenticator's user database: a user name as the peer sent it -> its secret. */
@FunctionalInterface
public interface SecretsLookup {

    /** The secret of {@code user}, or empty for an unknown user (answered like a wrong password). */
    Optional<Secret> lookup(String user);
}
