package io.jstore.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user a container runs as, resolved the way Docker resolves {@code -u}: {@code uid},
 * {@code uid:gid}, {@code name} or {@code name:group}, names looked up in the image's own
 * /etc/passwd and /etc/group (never the host's). A user's supplementary groups come from /etc/group.
 */
public record Identity(long uid, long gid, List<Long> additionalGids, String home) {
    public static final Identity ROOT = new Identity(0, 0, List.of(), "/root");

    public Identity {
        additionalGids = List.copyOf(additionalGids);
    }

    /** {@code rootfs} may be null when the spec is numeric (nothing to look up). */
    public static Identity resolve(String spec, Path rootfs) throws IOException {
        if (spec == null || spec.isEmpty()) spec = "0";
        String[] p = spec.split(":", 2);
        String userPart = p[0];
        String groupPart = p.length > 1 ? p[1] : null;
        List<String[]> passwd = table(rootfs, "etc/passwd");
        List<String[]> group = table(rootfs, "etc/group");

        long uid;
        Long gid = null;
        String name = null;
        String home = null;
        if (userPart.chars().allMatch(Character::isDigit)) {
            uid = Long.parseLong(userPart);
            for (String[] e : passwd) {
                if (e.length >= 6 && e[2].equals(userPart)) {
                    name = e[0];
                    gid = Long.parseLong(e[3]);
                    home = e[5];
                    break;
                }
            }
        } else {
            String[] e = passwd.stream().filter(x -> x.length >= 6 && x[0].equals(userPart)).findFirst()
                    .orElseThrow(() -> new IOException("unable to find user " + userPart + ": no matching entries in passwd file"));
            name = e[0];
            uid = Long.parseLong(e[2]);
            gid = Long.parseLong(e[3]);
            home = e[5];
        }
        if (groupPart != null) {
            if (groupPart.chars().allMatch(Character::isDigit)) {
                gid = Long.parseLong(groupPart);
            } else {
                gid = group.stream().filter(x -> x.length >= 3 && x[0].equals(groupPart)).findFirst()
                        .map(x -> Long.parseLong(x[2]))
                        .orElseThrow(() -> new IOException("unable to find group " + groupPart + ": no matching entries in group file"));
            }
        }
        List<Long> extra = new ArrayList<>();
        if (name != null) {
            for (String[] g : group) {
                if (g.length >= 4 && List.of(g[3].split(",")).contains(name)) {
                    long n = Long.parseLong(g[2]);
                    if (!extra.contains(n) && (gid == null || n != gid)) extra.add(n);
                }
            }
        }
        return new Identity(uid, gid == null ? 0 : gid, extra, Optional.ofNullable(home).orElse(uid == 0 ? "/root" : "/"));
    }

    private static List<String[]> table(Path rootfs, String rel) throws IOException {
        List<String[]> out = new ArrayList<>();
        if (rootfs == null) return out;
        Path f = rootfs.resolve(rel);
        // a symlink in an image must not make us read a host file
        if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return out;
        for (String line : Files.readAllLines(f)) {
            if (!line.isBlank() && !line.startsWith("#")) out.add(line.split(":", -1));
        }
        return out;
    }
}
