package dev.streamrec.app.model;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.streamrec.app.scoring.ModelRejectedException;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.model.ModelContract;

/**
 * What the app is willing to fetch and where it may write: announcements come from a topic, so
 * their names, versions and URIs are untrusted input.
 * <ul>
 *   <li>model names and versions match {@link #NAME} (letters, digits, {@code . _ -}, starting with a
 *       letter or digit, at most 128 characters): never {@code .}, {@code ..}, a slash or an absolute path;</li>
 *   <li>a local artifact (a plain path or a {@code file:} URL) must resolve, symbolic links followed,
 *       inside one of {@link #roots}, and so must its model and manifest files;</li>
 *   <li>a remote one needs an allowed scheme ({@link #schemes}) and host ({@link #hosts}: {@code host}
 *       or {@code host:port}); downloads land in {@code <cacheDir>/<name>/<version>}, checked to stay
 *       inside {@link #cacheDir} before anything is written or deleted;</li>
 *   <li>{@link #maxBytes} caps one artifact's download, {@link #downloadTimeout} the whole download;</li>
 *   <li>{@link #signingKey}, when set, must have signed the manifest ({@link dev.streamrec.model.ManifestSignature}).</li>
 * </ul>
 * Every refusal is {@link Reason#UNTRUSTED}.
 */
public record ArtifactPolicy(List<Path> roots, Path cacheDir, Set<String> schemes, Set<String> hosts, long maxBytes,
                             Duration downloadTimeout, PublicKey signingKey) {

    /** Model names and versions: safe as one path segment on any file system. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public ArtifactPolicy {
        roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        cacheDir = cacheDir.toAbsolutePath().normalize();
        schemes = schemes.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        hosts = hosts.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("streamrec.models.max-artifact-bytes must be positive, was " + maxBytes);
        }
    }

    /** Local artifacts under {@code roots} only, downloads into {@code cacheDir}, no remote host, no signature. */
    public static ArtifactPolicy localOnly(List<Path> roots, Path cacheDir) {
        return new ArtifactPolicy(roots, cacheDir, Set.of("file", "https"), Set.of(), 2L << 30, Duration.ofMinutes(10),
                null);
    }

    public ArtifactPolicy withRemote(Set<String> schemes, Set<String> hosts) {
        return new ArtifactPolicy(roots, cacheDir, schemes, hosts, maxBytes, downloadTimeout, signingKey);
    }

    public ArtifactPolicy withLimits(long maxBytes, Duration downloadTimeout) {
        return new ArtifactPolicy(roots, cacheDir, schemes, hosts, maxBytes, downloadTimeout, signingKey);
    }

    public ArtifactPolicy withSigningKey(PublicKey key) {
        return new ArtifactPolicy(roots, cacheDir, schemes, hosts, maxBytes, downloadTimeout, key);
    }

    /** Refuses a name or version that is not {@link #NAME}. */
    public static void checkNames(String name, String version) {
        check("model name", name);
        check("version", version);
    }

    private static void check(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new ModelRejectedException(Reason.UNTRUSTED, what + " '" + printable(value) + "' is not allowed: it must match "
                    + NAME.pattern());
        }
    }

    /** The announced URI's scheme in lower case; {@code file} for a plain path. */
    static String scheme(String uri) {
        int colon = uri.indexOf(':');
        int slash = uri.indexOf('/');
        if (colon < 2 || (slash >= 0 && slash < colon)) { // no scheme, or a Windows drive letter
            return "file";
        }
        return uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /**
     * The real directory of a local artifact, inside a root.
     *
     * @throws ModelRejectedException UNTRUSTED when it is outside every root (or the scheme is off),
     *                                DOWNLOAD when it does not exist
     */
    Path localDirectory(String name, String version, String uri) {
        String where = "artifact '" + printable(uri) + "' of model " + name + " " + version;
        if (!schemes.contains("file")) {
            throw new ModelRejectedException(Reason.UNTRUSTED, where + ": local artifacts are off (streamrec.models.allowed-schemes "
                    + schemes + ")");
        }
        Path dir;
        try {
            dir = uri.regionMatches(true, 0, "file:", 0, 5) ? Path.of(new URI(uri)) : Path.of(uri);
        } catch (URISyntaxException | IllegalArgumentException e) { // InvalidPathException included
            throw new ModelRejectedException(Reason.UNTRUSTED, where + " is neither a path nor a file: URL");
        }
        if (!dir.isAbsolute()) {
            throw new ModelRejectedException(Reason.UNTRUSTED, where + " is not an absolute path");
        }
        Path lexical = dir.normalize();
        if (!Files.isDirectory(lexical)) {
            if (rootOf(lexical, false) == null) {
                throw outsideRoots(where, lexical);
            }
            throw new ModelRejectedException(Reason.DOWNLOAD, where + ": directory " + lexical + " does not exist");
        }
        Path real = realPath(lexical, where);
        if (rootOf(real, true) == null) {
            throw outsideRoots(where + " (links to " + real + ")", lexical);
        }
        for (String file : List.of(ModelContract.MODEL_FILE, ModelContract.MANIFEST_FILE)) {
            Path f = real.resolve(file);
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS) && rootOf(realPath(f, where), true) == null) {
                throw outsideRoots(where + ": " + file + " links outside", lexical);
            }
        }
        return real;
    }

    private ModelRejectedException outsideRoots(String where, Path dir) {
        return new ModelRejectedException(Reason.UNTRUSTED, where + ": " + dir + " is outside the artifact roots "
                + roots + " (streamrec.models.artifact-roots)");
    }

    /** The root containing {@code p}, comparing real paths when {@code real}; null when none does. */
    private Path rootOf(Path p, boolean real) {
        for (Path root : roots) {
            Path r = root;
            if (real) {
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try {
                    r = root.toRealPath();
                } catch (IOException e) {
                    continue;
                }
            }
            if (p.startsWith(r) && !p.equals(r)) {
                return r;
            }
        }
        return null;
    }

    /**
     * The URI of a remote artifact directory (ending in {@code /}), when its scheme and host are allowed.
     *
     * @throws ModelRejectedException UNTRUSTED otherwise
     */
    URI remoteDirectory(String name, String version, String uri) {
        String where = "artifact '" + printable(uri) + "' of model " + name + " " + version;
        URI u;
        try {
            u = new URI(uri.endsWith("/") ? uri : uri + "/");
        } catch (URISyntaxException e) {
            throw new ModelRejectedException(Reason.UNTRUSTED, where + " is not a valid URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || !schemes.contains(scheme)) {
            throw new ModelRejectedException(Reason.UNTRUSTED, where + ": scheme '" + scheme + "' is not allowed (streamrec.models.allowed-schemes "
                    + schemes + ")");
        }
        if (u.getHost() == null || u.getRawUserInfo() != null) {
            throw new ModelRejectedException(Reason.UNTRUSTED, where + ": no host, or credentials in the URL");
        }
        if (!hostAllowed(u)) {
            throw new ModelRejectedException(Reason.UNTRUSTED, where + ": host " + u.getHost()
                    + (u.getPort() < 0 ? "" : ":" + u.getPort()) + " is not allowed (streamrec.models.allowed-hosts " + hosts + ")");
        }
        return u;
    }

    boolean hostAllowed(URI u) {
        String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
        return hosts.contains(host) || (u.getPort() >= 0 && hosts.contains(host + ":" + u.getPort()));
    }

    /**
     * {@code <cacheDir>/<name>/<version>}, after checking that it stays inside the cache directory,
     * also through links already on disk. Creates {@code <cacheDir>/<name>}.
     */
    Path cacheTarget(String name, String version) {
        checkNames(name, version);
        Path target = cacheDir.resolve(name).resolve(version).normalize();
        if (!target.startsWith(cacheDir) || target.getNameCount() != cacheDir.getNameCount() + 2) {
            throw new ModelRejectedException(Reason.UNTRUSTED, "cache path " + target + " escapes " + cacheDir);
        }
        try {
            Files.createDirectories(target.getParent());
            Path realCache = cacheDir.toRealPath();
            Path realParent = target.getParent().toRealPath();
            if (!realParent.equals(realCache.resolve(name))) {
                throw new ModelRejectedException(Reason.UNTRUSTED, "cache path " + target.getParent() + " resolves to "
                        + realParent + ", outside " + realCache);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && Files.isSymbolicLink(target)) {
                throw new ModelRejectedException(Reason.UNTRUSTED, "cache path " + target + " is a symbolic link");
            }
            return realParent.resolve(version);
        } catch (IOException e) {
            throw new ModelRejectedException(Reason.DOWNLOAD, "cannot create the cache directory for " + target + ": " + e, e);
        }
    }

    private static Path realPath(Path p, String where) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new ModelRejectedException(Reason.DOWNLOAD, where + ": cannot resolve " + p + ": " + e.getMessage(), e);
        }
    }

    /** The value for a log line: control characters escaped, cut to 200 characters. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200) + 8);
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 200 ? b + "..." : b.toString();
    }

    /** Roots as the configuration lists them. */
    static List<Path> paths(List<String> values) {
        List<Path> out = new ArrayList<>();
        for (String v : values) {
            if (!v.isBlank()) {
                out.add(Path.of(v.trim()));
            }
        }
        return out;
    }
}
