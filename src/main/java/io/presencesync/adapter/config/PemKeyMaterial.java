package io.presencesync.adapter.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's certificate chain and its private key from PEM files ({@code api.tls}), with the JDK alone: the key as PKCS#8
 * ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, cert-manager's
 * default encoding for RSA), which is wrapped into PKCS#8. The key must match the first certificate.
 * Read when the configuration is loaded, and again by the API server whenever the files change.
 */
public record PemKeyMaterial(List<X509Certificate> chain, PrivateKey key) {

    static final String CERTIFICATE_FIELD = "api.tls.certificateFile";
    static final String KEY_FIELD = "api.tls.keyFile";

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");
    /** AlgorithmIdentifier of rsaEncryption with NULL parameters, as a PKCS#8 wrapper needs it. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    /** @throws ConfigException naming the field and the file at fault, never the key */
    public static PemKeyMaterial read(ApiConfig.Tls files) {
        List<X509Certificate> chain = certificates(files.certificateFile());
        PrivateKey key = key(files.keyFile());
        if (!matches(chain.get(0), key)) {
            throw error(KEY_FIELD, files.keyFile(), "the private key does not belong to the first certificate of " + files.certificateFile());
        }
        return new PemKeyMaterial(chain, key);
    }

    private static ConfigException error(String field, Path file, String problem) {
        return new ConfigException(field + ": " + file + ": " + problem);
    }

    private static List<X509Certificate> certificates(Path file) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) throw error(CERTIFICATE_FIELD, file, "no PEM certificate (BEGIN CERTIFICATE) found");
            return chain;
        } catch (IOException e) {
            throw error(CERTIFICATE_FIELD, file, unreadable(file, e));
        } catch (GeneralSecurityException e) {
            throw error(CERTIFICATE_FIELD, file, "not a PEM certificate chain: " + e.getMessage());
        }
    }

    private static PrivateKey key(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw error(KEY_FIELD, file, unreadable(file, e));
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw error(KEY_FIELD, file, "the " + m.group(1) + " block is not Base64");
            }
            switch (m.group(1)) {
                case "PRIVATE KEY" -> { return pkcs8(file, der); }
                case "RSA PRIVATE KEY" -> { return pkcs8(file, wrapRsa(der)); }
                case "EC PRIVATE KEY" -> throw error(KEY_FIELD, file, "an EC key in SEC1 encoding; give it as PKCS#8 "
                        + "('openssl pkcs8 -topk8 -nocrypt', or cert-manager's privateKey.encoding: PKCS8)");
                case "ENCRYPTED PRIVATE KEY" -> throw error(KEY_FIELD, file, "the key is encrypted; give it unencrypted (the file is the secret)");
                default -> { } // e.g. EC PARAMETERS before the key
            }
        }
        throw error(KEY_FIELD, file, "no PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY) found");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryTheNext) {
                // the PKCS#8 structure names its algorithm; only the matching factory accepts it
            }
        }
        throw error(KEY_FIELD, file, "not an RSA, EC or Ed25519 private key");
    }

    /** Why a file named by the configuration cannot be read, in a few words. */
    private static String unreadable(Path file, IOException e) {
        if (!Files.exists(file)) return "file not found";
        if (Files.isDirectory(file)) return "a directory, not a file";
        return "cannot read: " + e.getMessage();
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, rsaEncryption, OCTET STRING { the PKCS#1 key } }. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
        System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n} : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n} : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }

    /** A signature made with the key verifies with the certificate's public key. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "presence-sync key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
