// tlogcheck checks a Pressroom site's public record with Go's own transparency-log packages
// (golang.org/x/mod/sumdb/note and .../tlog, the code behind Go's checksum database), so that
// the log is shown to be readable by a verifier nobody at Pressroom wrote.
//
//	tlogcheck BASE_URL VERIFIER_KEY OLD_CHECKPOINT_FILE
//
// It verifies the current checkpoint's signature, proves it consistent with the older
// checkpoint in OLD_CHECKPOINT_FILE, and proves every entry's inclusion, reading hash tiles
// and entry bundles from BASE_URL/log/ in the C2SP tlog-tiles layout.
package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	if len(os.Args) != 4 {
		fail("usage: tlogcheck BASE_URL VERIFIER_KEY OLD_CHECKPOINT_FILE")
	}
	base, key, oldFile := strings.TrimRight(os.Args[1], "/"), os.Args[2], os.Args[3]
	verifier, err := note.NewVerifier(key)
	check(err, "the verifier key")

	tree := openCheckpoint(fetch(base+"/log/checkpoint"), verifier)
	old, err := os.ReadFile(oldFile)
	check(err, "the old checkpoint")
	oldTree := openCheckpoint(old, verifier)

	reader := tlog.TileHashReader(tree, tileReader{base})
	if oldTree.N > 0 && oldTree.N <= tree.N {
		proof, err := tlog.ProveTree(tree.N, oldTree.N, reader)
		check(err, "the consistency proof")
		check(tlog.CheckTree(proof, tree.N, tree.Hash, oldTree.N, oldTree.Hash), "consistency with the old checkpoint")
	}
	for start := int64(0); start < tree.N; start += 256 {
		width := tree.N - start
		if width > 256 {
			width = 256
		}
		path := tilePath(tlog.Tile{H: 8, L: -1, N: start / 256, W: int(width)})
		entries := unbundle(fetch(base + "/log/" + path))
		if int64(len(entries)) != width {
			fail(fmt.Sprintf("%s holds %d entries, not %d", path, len(entries), width))
		}
		for i, entry := range entries {
			index := start + int64(i)
			proof, err := tlog.ProveRecord(tree.N, index, reader)
			check(err, fmt.Sprintf("the inclusion proof of entry %d", index))
			check(tlog.CheckRecord(proof, tree.N, tree.Hash, index, tlog.RecordHash(entry)), fmt.Sprintf("entry %d", index))
		}
	}
	fmt.Printf("ok: checkpoint of %d entries signed by %s, consistent with the one of %d, every entry included\n", tree.N, verifier.Name(), oldTree.N)
}

// openCheckpoint verifies a signed checkpoint (C2SP tlog-checkpoint) and reads its tree.
func openCheckpoint(msg []byte, verifier note.Verifier) tlog.Tree {
	n, err := note.Open(msg, note.VerifierList(verifier))
	check(err, "the checkpoint's signature")
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("the checkpoint's origin is not the key's name")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	check(err, "the checkpoint's size")
	hash, err := tlog.ParseHash(lines[2])
	check(err, "the checkpoint's root hash")
	return tlog.Tree{N: size, Hash: hash}
}

type tileReader struct{ base string }

func (r tileReader) Height() int { return 8 }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		data[i] = fetch(r.base + "/log/" + tilePath(t))
	}
	return data, nil
}

func (r tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// tilePath is a tile's path in the C2SP layout, which drops the height from Go's sumdb paths
// ("tile/8/0/001" is "tile/0/001") and names entry bundles "entries" (L = -1 here).
func tilePath(t tlog.Tile) string {
	if t.L == -1 {
		t.L = 0
		return strings.Replace(t.Path(), "tile/8/0/", "tile/entries/", 1)
	}
	return strings.Replace(t.Path(), "tile/8/", "tile/", 1)
}

func unbundle(data []byte) [][]byte {
	var entries [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			fail("an entry bundle ends inside a length")
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			fail("an entry bundle ends inside an entry")
		}
		entries = append(entries, append([]byte(nil), data[2:2+n]...))
		data = data[2+n:]
	}
	return entries
}

func fetch(url string) []byte {
	response, err := http.Get(url)
	check(err, url)
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	check(err, url)
	if response.StatusCode != http.StatusOK {
		fail(fmt.Sprintf("%s answered %s", url, response.Status))
	}
	return body
}

func check(err error, what string) {
	if err != nil {
		fail(fmt.Sprintf("%s: %v", what, err))
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "tlogcheck:", message)
	os.Exit(1)
}
