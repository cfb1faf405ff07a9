package net.pptpgw.protocol.ppp.session;

import java.util.Objects;
import net.pptpgw.protocol.ppp.auth.MsChapV1;

/**
 * What an authenticator knows of a user's password: the password itself (any method), or only
 * its NT hash (MD4 of UTF-16LE, RFC 2759 §8.3), which is enough for MS-CHAP, MS-CHAPv2 and
 * their MPPE keys but not for PAP or CHAP-MD5.
 */
public sealed interface Secret {

    /** The NT password hash, which MS-CHAP and MS-CHAPv2 need. */
    byte[] ntPasswordHash();

    /** A clear-text password. */
    record Password(String password) implements Secret {
        public Password {
            Objects.requireNonNull(password, "password");
        }

        @Override
        public byte[] ntPasswordHash() {
            return MsChapV1.ntPasswordHash(password);
        }

        @Override
        public String toString() {
            return "Password[***]";
        }
    }

    /** Only the 16-octet NT password hash. */
    record NtHash(byte[] hash) implements Secret {
        public NtHash {
            if (hash.length != 16) {
                throw new IllegalArgumentException("an NT password hash has 16 octets, not " + hash.length);
            }
            hash = hash.clone();
        }

        @Override
        public byte[] ntPasswordHash() {
            return hash.clone();
        }

        @Override
        public String toString() {
            return "NtHash[***]";
        }
    }
}
