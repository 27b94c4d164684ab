package io.jstore.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** Argument checks the layer commands share, so a wrong path fails in one clear line before any work. */
final class LayerPaths {
    private LayerPaths() {}

    static Path directory(String role, Path p) throws NotDirectoryException, NoSuchFileException {
        if (!Files.exists(p)) throw new NoSuchFileException(role + " " + p + " does not exist");
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) throw new NotDirectoryException(role + " " + p + " is not a directory");
        return p;
    }
}
