package io.jstore.driver.btrfs;

import io.jstore.layer.TreeDiff;
import io.jstore.linux.Btrfs;
import io.jstore.linux.BtrfsChanges;
import io.jstore.linux.FileStat;
import io.jstore.linux.SyscallException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a snapshot's generations say about it against its source, as the naive diff's
 * {@link TreeDiff.Scope}. A snapshot keeps its source's inode numbers, so a name that leads
 * to the same inode on both sides, through an inode not changed since the snapshot, holds
 * the same thing; only changed inodes, the directories above them, and the names of
 * directories whose entries changed (deletions, renames, new names) need a look.
 */
final class ChangeScope implements TreeDiff.Scope {
    private final Path upper;
    private final Map<Long, List<String>> changedNames = new HashMap<>();
    private final Set<String> changedDirs = new HashSet<>();
    /** Every directory above a changed name, with the names in it on the way down. */
    private final Map<String, SortedSet<String>> dirtyBelow = new HashMap<>();
    private final Map<Long, String> dirPaths = new HashMap<>();

    private ChangeScope(Path upper) {
        this.upper = upper;
        dirPaths.put(Btrfs.SUBVOLUME_ROOT_INODE, "/");
    }

    /** The scope of subvolume {@code upper} from the inodes it changed since its snapshot. */
    static ChangeScope of(Path upper, BtrfsChanges.Scan scan) throws SyscallException {
        ChangeScope s = new ChangeScope(upper);
        for (BtrfsChanges.Inode i : scan.inodes()) {
            List<String> paths = new ArrayList<>();
            if (i.inode() == Btrfs.SUBVOLUME_ROOT_INODE) paths.add("/");
            else for (BtrfsChanges.Name n : i.names()) paths.add(s.pathOf(n));
            s.changedNames.put(i.inode(), paths);
            for (String p : paths) {
                if (i.isDirectory()) s.changedDirs.add(p);
                s.markAbove(p);
            }
        }
        return s;
    }

    /** How many inodes changed. */
    int changedInodes() {
        return changedNames.size();
    }

    @Override
    public SortedSet<String> onlyNames(String dir, FileStat lower, FileStat upperSt) {
        if (lower.ino() != upperSt.ino() || changedDirs.contains(dir)) return null;
        return dirtyBelow.getOrDefault(dir, Collections.emptySortedSet());
    }

    @Override
    public boolean mayDiffer(String path, long lowerIno, long upperIno) {
        return lowerIno != upperIno || changedNames.containsKey(upperIno) || dirtyBelow.containsKey(path);
    }

    @Override
    public List<String> names(FileStat st) throws SyscallException {
        List<String> known = changedNames.get(st.ino());
        if (known != null) return known;
        List<String> out = new ArrayList<>();
        for (BtrfsChanges.Name n : BtrfsChanges.namesOf(upper, st.ino())) out.add(pathOf(n));
        return out;
    }

    private String pathOf(BtrfsChanges.Name n) throws SyscallException {
        String dir = dirPaths.get(n.dirInode());
        if (dir == null) {
            dir = "/" + Btrfs.directoryPath(upper, 0, n.dirInode());
            dirPaths.put(n.dirInode(), dir);
        }
        return dir + n.name();
    }

    private void markAbove(String path) {
        String p = path;
        while (!p.equals("/")) {
            int slash = p.lastIndexOf('/');
            String parent = slash == 0 ? "/" : p.substring(0, slash);
            SortedSet<String> names = dirtyBelow.computeIfAbsent(parent, k -> new TreeSet<>());
            if (!names.add(p.substring(slash + 1))) return; // an earlier name came this way: marked above already
            p = parent;
        }
    }
}
