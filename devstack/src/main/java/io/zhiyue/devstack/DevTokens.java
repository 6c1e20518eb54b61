package io.zhiyue.devstack;

import io.zhiyue.shared.json.JsonCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The local identity provider of the devstack: an RSA key pair kept in one directory (created
 * once) and tokens signed with it, as the gateway expects them (issuer, audience, {@code groups}
 * = roles, {@code tenant} claim). A real deployment points the gateway at its identity provider's
 * JWKS instead. Tokens are signed here with the JDK alone (RS256: one signature over two
 * base64url JSON parts), so this tool needs no MicroProfile runtime; the gateway verifies them
 * with SmallRye JWT.
 *
 * <pre>DevTokens token --role teacher --tenant demo-school [--sub alice] [--ttl 8h] [--dir .zhiyue/jwt]
 * DevTokens keys [--dir .zhiyue/jwt]     (creates the key pair if missing, prints the public key's path)</pre>
 */
public final class DevTokens {

    public static final String ISSUER = "https://zhiyue.local/dev";
    public static final String AUDIENCE = "zhiyue-api";
    public static final String TENANT_CLAIM = "tenant";
    public static final String PRIVATE_KEY_FILE = "jwt-private.pem";
    public static final String PUBLIC_KEY_FILE = "jwt-public.pem";
    private static final String KEY_ID = "zhiyue-dev";

    private final PrivateKey privateKey;
    private final Path publicKey;

    private DevTokens(PrivateKey privateKey, Path publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** The key pair in {@code directory}, generated there first if it is not there yet. */
    public static synchronized DevTokens inDirectory(Path directory) {
        try {
            Path privatePem = directory.resolve(PRIVATE_KEY_FILE);
            Path publicPem = directory.resolve(PUBLIC_KEY_FILE);
            if (!Files.exists(privatePem) || !Files.exists(publicPem)) {
                generate(directory, privatePem, publicPem);
            }
            return new DevTokens(readPrivateKey(Files.readString(privatePem)), publicPem.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key pair in " + directory + " cannot be read", e);
        }
    }

    /** The public key the gateway verifies with ({@code mp.jwt.verify.publickey.location}). */
    public Path publicKey() {
        return publicKey;
    }

    public String mint(String role, String tenant, String subject, Duration ttl) {
        return mint(Set.of(role), tenant, subject, ttl);
    }

    public String mint(Set<String> roles, String tenant, String subject, Duration ttl) {
        return mint(roles, tenant, subject, ttl, UnaryOperator.identity());
    }

    /** A token whose claims {@code adjust} may change (tests use it for wrong issuers, audiences, times). */
    public String mint(Set<String> roles, String tenant, String subject, Duration ttl,
            UnaryOperator<Map<String, Object>> adjust) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", subject);
        claims.put("upn", subject);
        claims.put("groups", List.copyOf(new LinkedHashSet<>(roles)));
        claims.put(TENANT_CLAIM, tenant);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(ttl).getEpochSecond());
        claims.put("jti", java.util.UUID.randomUUID().toString());
        return sign(JsonCodec.write(Map.of("alg", "RS256", "typ", "JWT", "kid", KEY_ID)),
                JsonCodec.write(adjust.apply(claims)));
    }

    private String sign(String header, String claims) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String signed = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(privateKey);
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + base64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the local key", e);
        }
    }

    private static void generate(Path directory, Path privatePem, Path publicPem)
            throws IOException, GeneralSecurityException {
        Files.createDirectories(directory);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path privateTmp = Files.createTempFile(directory, "jwt-private", ".tmp");
        restrict(privateTmp);
        Files.writeString(privateTmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Files.move(privateTmp, privatePem, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the directory's own permissions must do
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static PrivateKey readPrivateKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** {@code 8h}, {@code 30m}, {@code 90s}, {@code 2d}. */
    public static Duration parseTtl(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (!value.matches("[0-9]{1,6}[smhd]")) {
            throw new IllegalArgumentException("a time to live looks like 90s, 30m, 8h or 2d, not " + text);
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    public static void main(String[] args) {
        if (args.length == 0 || !(args[0].equals("token") || args[0].equals("keys"))) {
            usage("the first argument is token or keys");
        }
        Path directory = Path.of(".zhiyue", "jwt");
        Set<String> roles = new LinkedHashSet<>();
        String tenant = null;
        String subject = null;
        Duration ttl = Duration.ofHours(8);
        try {
            for (int i = 1; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) {
                    usage(args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--role" -> roles.add(value);
                    case "--tenant" -> tenant = value;
                    case "--sub" -> subject = value;
                    case "--ttl" -> ttl = parseTtl(value);
                    case "--dir" -> directory = Path.of(value);
                    default -> usage("unknown argument " + args[i]);
                }
                i++;
            }
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
        }
        DevTokens tokens = inDirectory(directory);
        if (args[0].equals("keys")) {
            System.out.println(tokens.publicKey());
            return;
        }
        if (roles.isEmpty() || tenant == null) {
            usage("token needs --role and --tenant");
        }
        System.out.println(tokens.mint(roles, tenant, subject != null ? subject : String.join("-", roles), ttl));
    }

    private static void usage(String problem) {
        System.err.println("DevTokens: " + problem);
        System.err.println("usage: token --role ROLE [--role ROLE…] --tenant TENANT [--sub SUBJECT] [--ttl 8h] [--dir DIR]");
        System.err.println("       keys [--dir DIR]");
        System.exit(2);
    }
}
