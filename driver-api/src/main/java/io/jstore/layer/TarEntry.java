package io.jstore.layer;

import java.util.Map;

/**
 * One tar entry's header, with its PAX and GNU extensions already folded in.
 *
 * @param name       the entry's path as the archive spells it (no normalisation yet)
 * @param type       the typeflag: {@link #REGULAR}, {@link #HARDLINK}, {@link #SYMLINK}, ...
 * @param mode       permission bits including setuid/setgid/sticky
 * @param size       bytes of data following the header
 * @param atimeNanos -1 when the archive gives none
 * @param linkName   symlink target or hardlink target, else empty
 * @param xattrs     {@code SCHILY.xattr.*} records, raw bytes
 */
record TarEntry(String name, char type, int mode, int uid, int gid, long size,
                long mtimeNanos, long atimeNanos, String linkName, int devMajor, int devMinor,
                Map<String, byte[]> xattrs) {
    static final char REGULAR = '0';
    static final char HARDLINK = '1';
    static final char SYMLINK = '2';
    static final char CHAR_DEVICE = '3';
    static final char BLOCK_DEVICE = '4';
    static final char DIRECTORY = '5';
    static final char FIFO = '6';

    /** Human name of the type, for messages. */
    String typeName() {
        return switch (type) {
            case REGULAR -> "file";
            case HARDLINK -> "hardlink";
            case SYMLINK -> "symlink";
            case CHAR_DEVICE -> "char device";
            case BLOCK_DEVICE -> "block device";
            case DIRECTORY -> "directory";
            case FIFO -> "fifo";
            default -> "type '" + type + "'";
        };
    }
}
