package io.podtrail.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates for the TLS tests, made at run time with BouncyCastle (no key material in the repository, no
 * openssl needed): a CA, server certificates for 127.0.0.1/localhost, client certificates; PEM files for the
 * server; {@link SSLContext}s for the JDK's HTTP client.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key. */
    public record Issued(X509Certificate cert, PrivateKey key, X509Certificate issuer) {
        /** The certificate chain as PEM (leaf, then the CA). */
        public String chainPem() {
            return pem(cert) + (issuer == null ? "" : pem(issuer));
        }
    }

    /** A CA that signs server and client certificates. */
    public static final class Ca {
        final Issued self;

        private Ca(Issued self) {
            this.self = self;
        }

        public static Ca create(String name) {
            KeyPair kp = ec();
            X500Name dn = new X500Name("CN=" + name + ",O=Podtrail tests");
            try {
                X509v3CertificateBuilder b = builder(dn, dn, kp);
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
                return new Ca(new Issued(sign(b, kp.getPrivate()), kp.getPrivate(), null));
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public X509Certificate cert() {
            return self.cert;
        }

        /** A server certificate for 127.0.0.1 and localhost; {@code rsa} for an RSA key (else EC P-256). */
        public Issued server(boolean rsa) {
            return issue("CN=podtrail-test-server", rsa ? rsa() : ec(), KeyPurposeId.id_kp_serverAuth, true);
        }

        /** A client certificate, as a sensor's. */
        public Issued client(String cn) {
            return issue("CN=" + cn + ",O=Podtrail tests", ec(), KeyPurposeId.id_kp_clientAuth, false);
        }

        private Issued issue(String subject, KeyPair kp, KeyPurposeId purpose, boolean server) {
            try {
                X509v3CertificateBuilder b = builder(X500Name.getInstance(self.cert.getSubjectX500Principal().getEncoded()),
                        new X500Name(subject), kp);
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(self.cert));
                if (server) {
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost")}));
                }
                return new Issued(sign(b, self.key), kp.getPrivate(), self.cert);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Key formats a PEM private key file may have. */
    public enum KeyFormat {
        /** {@code BEGIN PRIVATE KEY}. */
        PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY} (or EC PRIVATE KEY for an EC key), as {@code openssl genrsa -traditional} writes. */
        PKCS1
    }

    /** Writes the server's chain and key as PEM files into {@code dir}; returns {cert, key}. */
    public static Path[] writeServerPem(Path dir, Issued server, KeyFormat format) {
        try {
            Path cert = dir.resolve("tls.crt");
            Path key = dir.resolve("tls.key");
            Files.writeString(cert, server.chainPem());
            Files.writeString(key, format == KeyFormat.PKCS8 ? pkcs8(server.key) : pem(server.key));
            return new Path[] {cert, key};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes CA certificates as one PEM bundle. */
    static Path writeBundle(Path file, Ca... cas) {
        StringBuilder b = new StringBuilder();
        for (Ca ca : cas) {
            b.append(pem(ca.cert()));
        }
        try {
            Files.writeString(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** An SSL context trusting {@code trusted} (null: the JDK's default CAs), presenting {@code client} if not null. */
    public static SSLContext context(Ca trusted, Issued client) {
        return context(trusted, client, false);
    }

    /**
     * As {@link #context(Ca, Issued)}; with {@code always}, the client certificate is sent even when its issuer is
     * not among the CAs the server asks for, as OpenSSL-based clients (curl, Fluent Bit, Falco) do. The JDK's own
     * key manager sends no certificate then.
     */
    public static SSLContext context(Ca trusted, Issued client, boolean always) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trusted == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                ts.setCertificateEntry("ca", trusted.cert());
                tmf.init(ts);
            }
            KeyManagerFactory kmf = null;
            if (client != null) {
                char[] pw = "test".toCharArray();
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", client.key, pw, new X509Certificate[] {client.cert, client.issuer});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, pw);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            KeyManager[] kms = kmf == null ? null : kmf.getKeyManagers();
            if (always && kms != null) {
                kms = new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) kms[0])};
            }
            ctx.init(kms, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Offers the one client key whatever the server's list of acceptable issuers. */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager d;

        AlwaysPresent(X509ExtendedKeyManager d) {
            this.d = d;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return d.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return d.getPrivateKey(alias);
        }
    }

    static String pem(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static String pkcs8(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(key)));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private TestPki() {
    }
}
