package io.quaero.dev.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The balancer's certificate for a local cluster: {@code cert.pem} and {@code key.pem} in one folder
 * ({@code .quaero/tls}, which docker-compose.yml mounts too). Made once with openssl, self-signed
 * for {@code localhost}, 127.0.0.1 and ::1; a pair already there — a real certificate an operator
 * put in its place — is used as it is.
 */
public final class LocalCertificate {

    private LocalCertificate() {
    }

    /** Makes the pair in {@code dir} unless both files exist; returns the certificate's path. */
    public static Path ensure(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (Files.exists(cert) && Files.exists(key)) {
            return cert;
        }
        Files.createDirectories(dir);
        // 397 days: the longest validity browsers accept for a server certificate.
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "397", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
            "-keyout", key.toString(), "-out", cert.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            openssl.destroyForcibly();
            throw new IOException("openssl could not make a certificate in " + dir + ": " + Files.readString(dir.resolve("openssl.log")));
        }
        Files.delete(dir.resolve("openssl.log"));
        return cert;
    }

    /** A TLS context that trusts exactly this certificate, for the cluster's own clients and drills. */
    public static SSLContext trusting(Path certificate) {
        try (var in = Files.newInputStream(certificate)) {
            var trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("quaero", CertificateFactory.getInstance("X.509").generateCertificate(in));
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            var context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the certificate " + certificate, e);
        }
    }
}
