package dev.streamrec.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * A detached signature over an artifact's manifest, {@link #SIGNATURE_FILE} next to
 * {@link ModelContract#MANIFEST_FILE}: the manifest holds the model file's sha256, so one signature
 * covers both, and an announcement's checksum is no longer the only proof of where a model came from.
 *
 * <p>Keys are Ed25519 (preferred) or EC (ECDSA with SHA-256), as the JDK reads them: a public key
 * in X.509 SubjectPublicKeyInfo form, a private key in PKCS#8, each as PEM text ({@code -----BEGIN
 * PUBLIC KEY-----}), as bare base64, or as a file holding either. {@code openssl genpkey -algorithm
 * ed25519 -out signing.pem} and {@code openssl pkey -in signing.pem -pubout -out signing.pub.pem}
 * make a pair. The signature file holds the base64 signature on one line.
 */
public final class ManifestSignature {

    public static final String SIGNATURE_FILE = ModelContract.MANIFEST_FILE + ".sig";

    private static final List<String> KEY_ALGORITHMS = List.of("Ed25519", "EC");

    private ManifestSignature() {
    }

    /** Signs {@code dir}'s manifest into {@code dir/}{@link #SIGNATURE_FILE}. */
    public static Path sign(Path dir, PrivateKey key) {
        Path manifest = dir.resolve(ModelContract.MANIFEST_FILE);
        try {
            Signature s = Signature.getInstance(algorithm(key));
            s.initSign(key);
            s.update(Files.readAllBytes(manifest));
            Path out = dir.resolve(SIGNATURE_FILE);
            Files.writeString(out, Base64.getEncoder().encodeToString(s.sign()) + "\n", StandardCharsets.US_ASCII);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to sign " + manifest, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("failed to sign " + manifest + " with a " + key.getAlgorithm() + " key: " + e, e);
        }
    }

    /**
     * Checks {@code dir}'s manifest against its signature file.
     *
     * @return null when the signature is valid, else why not (missing, unreadable, wrong)
     */
    public static String problem(Path dir, PublicKey key) {
        Path sigFile = dir.resolve(SIGNATURE_FILE);
        if (!Files.isRegularFile(sigFile)) {
            return "no " + SIGNATURE_FILE + " (the artifact is unsigned)";
        }
        try {
            byte[] sig = Base64.getMimeDecoder().decode(Files.readString(sigFile, StandardCharsets.US_ASCII).trim());
            Signature s = Signature.getInstance(algorithm(key));
            s.initVerify(key);
            s.update(Files.readAllBytes(dir.resolve(ModelContract.MANIFEST_FILE)));
            return s.verify(sig) ? null : "the signature does not match the manifest and the configured public key";
        } catch (IllegalArgumentException | SignatureException e) {
            return "malformed signature: " + e.getMessage();
        } catch (IOException e) {
            return "unreadable signature or manifest: " + e;
        } catch (GeneralSecurityException e) {
            return "cannot verify with a " + key.getAlgorithm() + " key: " + e;
        }
    }

    /** A public key from PEM text, bare base64, or a file holding either. */
    public static PublicKey publicKey(String pemBase64OrFile) {
        byte[] der = der(pemBase64OrFile, "PUBLIC KEY");
        for (String alg : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("not an Ed25519 or EC public key (X.509 SubjectPublicKeyInfo)");
    }

    /** A private key (PKCS#8) from PEM text, bare base64, or a file holding either. */
    public static PrivateKey privateKey(String pemBase64OrFile) {
        byte[] der = der(pemBase64OrFile, "PRIVATE KEY");
        for (String alg : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("not an Ed25519 or EC private key (PKCS#8)");
    }

    /** PEM text of a key ({@code PUBLIC KEY} or {@code PRIVATE KEY}). */
    public static String pem(Key key) {
        String type = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END " + type + "-----\n";
    }

    private static String algorithm(Key key) throws InvalidKeyException {
        return switch (key.getAlgorithm()) {
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "EC" -> "SHA256withECDSA";
            default -> throw new InvalidKeyException("unsupported key algorithm " + key.getAlgorithm()
                    + " (use Ed25519 or EC)");
        };
    }

    private static byte[] der(String value, String type) {
        String text = value.trim();
        if (!text.startsWith("-----BEGIN") && !looksLikeBase64(text)) {
            try {
                text = Files.readString(Path.of(text), StandardCharsets.US_ASCII).trim();
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read key file " + value + ": " + e.getMessage(), e);
            }
        }
        if (text.startsWith("-----BEGIN")) {
            int start = text.indexOf("-----BEGIN " + type + "-----");
            int end = text.indexOf("-----END " + type + "-----");
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("PEM text is not a " + type);
            }
            text = text.substring(start + ("-----BEGIN " + type + "-----").length(), end);
        }
        try {
            return Base64.getMimeDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a " + type + " must be PEM or base64: " + e.getMessage(), e);
        }
    }

    private static boolean looksLikeBase64(String s) {
        return s.length() >= 40 && s.matches("[A-Za-z0-9+/=\\s]+");
    }
}
