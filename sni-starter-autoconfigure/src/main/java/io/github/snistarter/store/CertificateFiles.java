package io.github.snistarter.store;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.pem.PemContent;

/**
 * How certificates lie in a directory, and how to read them. A directory (and its
 * subdirectories) holds:
 * <ul>
 * <li>PEM files with the chain and the key together ({@code shop.pem});</li>
 * <li>PEM pairs with the same name before the extension: the chain in {@code .crt},
 * {@code .cer} or {@code .pem}, the key in {@code .key} ({@code tls.crt} and
 * {@code tls.key}, as in a mounted Kubernetes TLS secret); certbot's
 * {@code fullchain.pem} and {@code privkey.pem} pair too;</li>
 * <li>PKCS#12 files ({@code .p12}, {@code .pfx}), one certificate per key entry.</li>
 * </ul>
 * Names starting with a dot are skipped, so editors' and writers' temporary files and
 * Kubernetes' {@code ..data} directories are never read directly; symbolic links to
 * files are followed. A certificate file without a key is skipped when it is a CA
 * certificate (such as a secret's {@code ca.crt}) and rejected otherwise.
 */
final class CertificateFiles {

	static final int MAX_DEPTH = 8;

	static final long MAX_FILE_SIZE = 1024 * 1024;

	private static final Set<String> PEM_EXTENSIONS = Set.of("pem", "crt", "cer", "key");

	private static final Set<String> PKCS12_EXTENSIONS = Set.of("p12", "pfx");

	private static final Pattern CERTIFICATE_BLOCK = Pattern.compile("-+BEGIN\\s+[A-Z0-9 ]*CERTIFICATE-+");

	private static final Pattern KEY_BLOCK = Pattern.compile("-+BEGIN\\s+[A-Z0-9 ]*PRIVATE\\s+KEY-+");

	private CertificateFiles() {
	}

	/**
	 * The files that hold one or more certificates together.
	 *
	 * @param key identifies the unit across scans: the path without extension for PEM
	 * files, the path of a PKCS#12 file
	 * @param files the files, certificate files before key files
	 * @param pkcs12 whether the unit is a PKCS#12 file
	 */
	record Unit(String key, List<Path> files, boolean pkcs12) {

		String origin() {
			if (this.files.size() == 1) {
				return "file " + this.files.get(0);
			}
			StringBuilder origin = new StringBuilder("files ");
			for (int i = 0; i < this.files.size(); i++) {
				origin.append((i > 0) ? ", " : "").append(this.files.get(i));
			}
			return origin.toString();
		}

	}

	/**
	 * What a file looked like when it was read; a change of any part means it changed.
	 *
	 * @param file the file
	 * @param modified the last modification time of the file (of a link's target)
	 * @param size the size
	 * @param fileKey the file system's identity of the file, which an atomic rename or a
	 * new link target changes, or {@code null} when the file system has none
	 */
	record Stamp(Path file, FileTime modified, long size, @Nullable Object fileKey) {

		static Stamp of(Path file) throws IOException {
			return of(file, Files.readAttributes(file, BasicFileAttributes.class));
		}

		static Stamp of(Path file, BasicFileAttributes attributes) {
			return new Stamp(file, attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
		}

	}

	/**
	 * Material read from a unit, not checked yet.
	 *
	 * @param id the certificate's identifier: its file, and the alias for a PKCS#12 file
	 * with several keys
	 * @param chain the chain, leaf first
	 * @param key the private key
	 */
	record Material(String id, List<X509Certificate> chain, PrivateKey key) {
	}

	/**
	 * Material of the common shape, not parsed: a PEM chain and an unencrypted PKCS#8
	 * key.
	 *
	 * @param id the certificate's identifier: the file holding the chain
	 * @param chain the chain, the leaf encoded
	 * @param pkcs8 the key's encoding
	 */
	record EncodedMaterial(String id, PemBlocks.EncodedChain chain, byte[] pkcs8) {
	}

	/**
	 * What a directory holds.
	 *
	 * @param units the certificate units
	 * @param directories the directory and its subdirectories, to watch
	 * @param unreadable files and subdirectories that exist but could not be read, each
	 * with the reason; what was read from them before is not gone
	 * @param stamps the stamps of the regular files, as the walk saw them
	 */
	record Listing(List<Unit> units, Set<Path> directories, Map<Path, String> unreadable, Map<Path, Stamp> stamps) {

		/**
		 * The stamps of a unit's files: those the walk saw, others (links) examined now.
		 * @param unit the unit
		 * @return a stamp per file
		 * @throws IOException when a file cannot be examined
		 */
		List<Stamp> stamps(Unit unit) throws IOException {
			List<Stamp> stamps = new ArrayList<>(unit.files().size());
			for (Path file : unit.files()) {
				Stamp seen = this.stamps.get(file);
				stamps.add((seen != null) ? seen : Stamp.of(file));
			}
			return stamps;
		}

		/**
		 * Whether a unit lies in or is a path that could not be read.
		 * @param unit the unit
		 * @return whether this listing cannot say if the unit is still there
		 */
		boolean mayHold(Unit unit) {
			return unit.files()
				.stream()
				.anyMatch((file) -> this.unreadable.keySet().stream().anyMatch(file::startsWith));
		}

	}

	/**
	 * Find the certificate units under a directory.
	 * @param root the directory
	 * @return the units, the directories visited and what could not be read below the
	 * directory
	 * @throws IOException when the directory itself is gone, is not a directory or cannot
	 * be read
	 */
	static Listing find(Path root) throws IOException {
		if (!Files.readAttributes(root, BasicFileAttributes.class).isDirectory()) {
			throw new NotDirectoryException(root.toString());
		}
		Walk walk = new Walk(root);
		Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, walk);
		return new Listing(units(walk.files), walk.directories, walk.unreadable, walk.stamps);
	}

	/** What a walk of the directory found. */
	private static final class Walk extends SimpleFileVisitor<Path> {

		private final Path root;

		private final Set<Path> directories = new LinkedHashSet<>();

		private final List<Path> files = new ArrayList<>();

		private final Map<Path, String> unreadable = new TreeMap<>();

		private final Map<Path, Stamp> stamps = new HashMap<>();

		Walk(Path root) {
			this.root = root;
		}

		@Override
		public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
			if (!dir.equals(this.root) && isHidden(dir)) {
				return FileVisitResult.SKIP_SUBTREE;
			}
			this.directories.add(dir);
			return FileVisitResult.CONTINUE;
		}

		@Override
		public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
			boolean regular = attributes.isRegularFile()
					|| (attributes.isSymbolicLink() && Files.isRegularFile(file));
			if (regular && !isHidden(file) && extension(file) != null) {
				this.files.add(file);
				if (attributes.isRegularFile()) {
					this.stamps.put(file, Stamp.of(file, attributes));
				}
			}
			return FileVisitResult.CONTINUE;
		}

		@Override
		public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
			if (file.equals(this.root)) {
				throw ex;
			}
			// Deleted while walking is simply gone; anything else is still there but
			// unreadable (permissions, a link loop), and the next scan retries.
			if (!(ex instanceof NoSuchFileException)) {
				this.unreadable.put(file, ex.toString());
			}
			return FileVisitResult.CONTINUE;
		}

		@Override
		public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException ex) throws IOException {
			if (ex != null) {
				if (dir.equals(this.root)) {
					throw ex;
				}
				this.unreadable.put(dir, ex.toString());
			}
			return FileVisitResult.CONTINUE;
		}

	}

	private static List<Unit> units(List<Path> files) {
		List<Unit> units = new ArrayList<>();
		Map<String, List<Path>> pemByStem = new TreeMap<>();
		for (Path file : files) {
			String extension = extension(file);
			if (PKCS12_EXTENSIONS.contains(extension)) {
				units.add(new Unit(file.toString(), List.of(file), true));
			}
			else {
				pemByStem.computeIfAbsent(stemPath(file), (stem) -> new ArrayList<>()).add(file);
			}
		}
		pairCertbotFiles(pemByStem);
		pemByStem.forEach((stem, group) -> {
			group.sort(Comparator.comparing(CertificateFiles::isKeyFile).thenComparing(Comparator.naturalOrder()));
			units.add(new Unit(stem, List.copyOf(group), false));
		});
		return units;
	}

	/**
	 * Certbot keeps {@code cert.pem}, {@code chain.pem}, {@code fullchain.pem} and
	 * {@code privkey.pem} in each certificate's directory: serve the full chain with the
	 * key.
	 */
	private static void pairCertbotFiles(Map<String, List<Path>> pemByStem) {
		for (String stem : List.copyOf(pemByStem.keySet())) {
			if (!stem.endsWith("fullchain") || !isFileName(stem, "fullchain")) {
				continue;
			}
			String directory = stem.substring(0, stem.length() - "fullchain".length());
			List<Path> keys = pemByStem.remove(directory + "privkey");
			if (keys != null) {
				pemByStem.get(stem).addAll(keys);
				pemByStem.remove(directory + "cert");
				pemByStem.remove(directory + "chain");
			}
		}
	}

	private static boolean isFileName(String stem, String name) {
		int length = stem.length() - name.length();
		return length == 0 || stem.charAt(length - 1) == '/' || stem.charAt(length - 1) == '\\';
	}

	/**
	 * Read a unit of the common shape, one PEM chain and one unencrypted PKCS#8 key in
	 * one or two files, without parsing the leaf or the key.
	 * @param unit the unit
	 * @param stamps the stamps of its files
	 * @return the material, or {@code null} when the unit is of another shape or cannot
	 * be read, and {@link #read} must read it
	 */
	static @Nullable EncodedMaterial readEncoded(Unit unit, List<Stamp> stamps) {
		if (unit.pkcs12()) {
			return null;
		}
		try {
			String id = null;
			PemBlocks.EncodedChain chain = null;
			byte[] key = null;
			for (Stamp stamp : stamps) {
				if (stamp.size() > MAX_FILE_SIZE) {
					return null;
				}
				String text = readText(stamp);
				boolean hasCertificate = PemBlocks.hasBlock(text, "CERTIFICATE");
				boolean hasKey = PemBlocks.hasBlock(text, "PRIVATE KEY");
				if ((!hasCertificate && !hasKey) || (hasCertificate && chain != null) || (hasKey && key != null)) {
					return null;
				}
				if (hasCertificate) {
					chain = PemBlocks.encodedChain(text);
					id = stamp.file().toString();
				}
				if (hasKey) {
					key = PemBlocks.pkcs8(text);
				}
			}
			return (id != null && chain != null && key != null) ? new EncodedMaterial(id, chain, key) : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Read the certificates of a unit.
	 * @param unit the unit
	 * @param stamps the stamps of its files
	 * @param password the password of PKCS#12 files and encrypted PEM keys, or
	 * {@code null}
	 * @return the material, empty for a CA certificate without a key
	 * @throws InvalidCertificateException when the unit cannot be read or is incomplete
	 */
	static List<Material> read(Unit unit, List<Stamp> stamps, @Nullable String password) {
		try {
			for (Stamp stamp : stamps) {
				if (stamp.size() > MAX_FILE_SIZE) {
					throw new InvalidCertificateException(unit.origin(),
							stamp.file().getFileName() + " is larger than " + MAX_FILE_SIZE + " bytes");
				}
			}
			return unit.pkcs12() ? readPkcs12(unit, password) : readPem(unit, stamps, password);
		}
		catch (IOException ex) {
			throw new InvalidCertificateException(unit.origin(), "it cannot be read (" + ex.getClass().getSimpleName()
					+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : "") + ")");
		}
	}

	private static List<Material> readPem(Unit unit, List<Stamp> stamps, @Nullable String password)
			throws IOException {
		Path certificateFile = null;
		List<X509Certificate> chain = null;
		Path keyFile = null;
		PrivateKey key = null;
		for (Stamp stamp : stamps) {
			Path file = stamp.file();
			String text = readText(stamp);
			boolean hasCertificate = hasBlock(CERTIFICATE_BLOCK, text);
			boolean hasKey = hasBlock(KEY_BLOCK, text);
			if (!hasCertificate && !hasKey) {
				throw new InvalidCertificateException(unit.origin(),
						file.getFileName() + " holds no PEM certificate or private key");
			}
			if (hasCertificate) {
				if (certificateFile != null) {
					throw new InvalidCertificateException(unit.origin(), "both " + certificateFile.getFileName()
							+ " and " + file.getFileName() + " hold certificates");
				}
				certificateFile = file;
				chain = pemCertificates(unit, file, text);
			}
			if (hasKey) {
				if (keyFile != null) {
					throw new InvalidCertificateException(unit.origin(),
							"both " + keyFile.getFileName() + " and " + file.getFileName() + " hold private keys");
				}
				keyFile = file;
				key = pemKey(unit, file, text, password);
			}
		}
		if (chain == null || certificateFile == null) {
			String stem = fileStem(unit.files().get(0));
			throw new InvalidCertificateException(unit.origin(),
					"it holds a private key but no certificate (expected the chain in " + stem + ".crt or " + stem
							+ ".pem beside it)");
		}
		if (key == null) {
			if (chain.get(0).getBasicConstraints() >= 0) {
				return List.of();
			}
			String stem = fileStem(certificateFile);
			throw new InvalidCertificateException(unit.origin(), "it holds a certificate but no private key (expected "
					+ stem + ".key beside it, or the key in the same file)");
		}
		return List.of(new Material(certificateFile.toString(), chain, key));
	}

	/**
	 * The file's text, as long as it was when examined (at most {@link #MAX_FILE_SIZE}):
	 * one open, one read and one close, which with many small files is most of the
	 * cost. A file that changed since then has a new stamp, so the next scan reads it
	 * again.
	 */
	private static String readText(Stamp stamp) throws IOException {
		byte[] bytes = new byte[(int) Math.min(stamp.size(), MAX_FILE_SIZE)];
		int read;
		try (InputStream in = new FileInputStream(stamp.file().toFile())) {
			read = in.readNBytes(bytes, 0, bytes.length);
		}
		// Latin-1 decodes any byte, so a binary file fails as "no PEM", not as a charset error.
		return new String(bytes, 0, read, StandardCharsets.ISO_8859_1);
	}

	/**
	 * Whether the text holds a block the pattern describes. Both patterns begin with
	 * dashes and {@code BEGIN}, so they are tried only where {@code BEGIN} occurs, from
	 * the start of the dashes before it, instead of at every character of the file.
	 */
	private static boolean hasBlock(Pattern block, String text) {
		for (int at = text.indexOf("BEGIN"); at >= 0; at = text.indexOf("BEGIN", at + 5)) {
			int dashes = at;
			while (dashes > 0 && text.charAt(dashes - 1) == '-') {
				dashes--;
			}
			if (dashes < at && block.matcher(text).region(dashes, text.length()).lookingAt()) {
				return true;
			}
		}
		return false;
	}

	private static List<X509Certificate> pemCertificates(Unit unit, Path file, String text) {
		List<X509Certificate> simple = PemBlocks.certificates(text);
		if (simple != null) {
			return simple;
		}
		try {
			return PemContent.of(text).getCertificates();
		}
		catch (RuntimeException ex) {
			throw new InvalidCertificateException(unit.origin(),
					"the certificates in " + file.getFileName() + " cannot be read (" + ex.getMessage() + ")");
		}
	}

	private static PrivateKey pemKey(Unit unit, Path file, String text, @Nullable String password) {
		PrivateKey simple = PemBlocks.pkcs8Key(text);
		if (simple != null) {
			return simple;
		}
		try {
			PrivateKey key = PemContent.of(text).getPrivateKey(password);
			if (key != null) {
				return key;
			}
		}
		catch (RuntimeException ex) {
			// Spring's parser describes the format problem, never the key bytes.
			throw new InvalidCertificateException(unit.origin(),
					"the private key in " + file.getFileName() + " cannot be read (" + ex.getMessage() + ")");
		}
		throw new InvalidCertificateException(unit.origin(),
				"the private key in " + file.getFileName() + " cannot be read");
	}

	private static List<Material> readPkcs12(Unit unit, @Nullable String password) throws IOException {
		Path file = unit.files().get(0);
		char[] secret = (password != null) ? password.toCharArray() : new char[0];
		try {
			KeyStore keyStore = loadPkcs12(unit, file, secret);
			List<String> aliases = new ArrayList<>();
			for (String alias : Collections.list(keyStore.aliases())) {
				if (keyStore.isKeyEntry(alias)) {
					aliases.add(alias);
				}
			}
			if (aliases.isEmpty()) {
				throw new InvalidCertificateException(unit.origin(), "it holds no private key entry");
			}
			List<Material> materials = new ArrayList<>();
			for (String alias : aliases) {
				Key key = keyStore.getKey(alias, secret);
				if (!(key instanceof PrivateKey privateKey)) {
					throw new InvalidCertificateException(unit.origin(), "entry '" + alias + "' holds no private key");
				}
				List<X509Certificate> chain = new ArrayList<>();
				Certificate[] certificates = keyStore.getCertificateChain(alias);
				for (Certificate certificate : (certificates != null) ? certificates : new Certificate[0]) {
					if (certificate instanceof X509Certificate x509) {
						chain.add(x509);
					}
				}
				String id = (aliases.size() == 1) ? file.toString() : file + "#" + alias;
				materials.add(new Material(id, chain, privateKey));
			}
			return materials;
		}
		catch (GeneralSecurityException ex) {
			throw new InvalidCertificateException(unit.origin(), "its key entries cannot be read ("
					+ ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "") + ")");
		}
	}

	private static KeyStore loadPkcs12(Unit unit, Path file, char[] secret)
			throws IOException, GeneralSecurityException {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(file)) {
			keyStore.load(in, secret);
			return keyStore;
		}
		catch (IOException ex) {
			// KeyStore.load reports a wrong password as an IOException caused by UnrecoverableKeyException.
			boolean password = ex.getCause() instanceof java.security.UnrecoverableKeyException;
			throw new InvalidCertificateException(unit.origin(), "it cannot be opened as PKCS#12 (" + ex.getMessage()
					+ ")" + (password ? "; check sni.directory.password" : ""));
		}
	}

	private static boolean isKeyFile(Path file) {
		return "key".equals(extension(file));
	}

	private static boolean isHidden(Path path) {
		Path name = path.getFileName();
		return name != null && name.toString().startsWith(".");
	}

	private static @Nullable String extension(Path file) {
		Path name = file.getFileName();
		String fileName = (name != null) ? name.toString() : "";
		int dot = fileName.lastIndexOf('.');
		if (dot <= 0) {
			return null;
		}
		String extension = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
		return (PEM_EXTENSIONS.contains(extension) || PKCS12_EXTENSIONS.contains(extension)) ? extension : null;
	}

	private static String stemPath(Path file) {
		String path = file.toString();
		return path.substring(0, path.lastIndexOf('.'));
	}

	private static String fileStem(Path file) {
		String name = String.valueOf(file.getFileName());
		int dot = name.lastIndexOf('.');
		return (dot > 0) ? name.substring(0, dot) : name;
	}

}
