#define G_LOG_DOMAIN "regmap-xml"
#include "regmap/xml_safe.h"
#include "regmap/regmap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libxml/parser.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool read_all(int fd, const char *file, char *buf, size_t want, size_t *got, GError **err)
{
	*got = 0;
	while (*got < want) {
		ssize_t n = read(fd, buf + *got, want - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			g_set_error(err, REGMAP_ERROR, e, "%s: %s", file, g_strerror(e));
			return false;
		}
		if (n == 0)
			break;
		*got += n;
	}
	return true;
}

static bool too_big(const char *file, GError **err)
{
	g_set_error(err, REGMAP_ERROR, EFBIG, "%s: the description is %u MiB or more, "
		    "the limit for a register description", file, REGMAP_MAX_FILE_SIZE >> 20);
	return false;
}

char *regmap_xml_read_file(const char *file, size_t *size, GError **err)
{
	g_autofree char *buf = NULL;
	struct stat st;
	size_t got;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		int e = errno;

		/* A missing or unreadable file is a bad description path: EINVAL, as SPEC says. */
		g_set_error(err, REGMAP_ERROR, EINVAL, "%s: cannot open: %s", file, g_strerror(e));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		g_set_error(err, REGMAP_ERROR, EINVAL, "%s: not a regular file", file);
		goto close_fd;
	}
	if ((uint64_t)st.st_size >= REGMAP_MAX_FILE_SIZE) {
		too_big(file, err);
		goto close_fd;
	}
	/* One byte more than the limit allows: a file that grew since fstat is caught too. */
	buf = g_malloc(st.st_size + 1);
	if (!read_all(fd, file, buf, st.st_size + 1, &got, err))
		goto close_fd;
	if (got > (size_t)st.st_size) {
		size_t rest;

		buf = g_realloc(buf, REGMAP_MAX_FILE_SIZE);
		if (!read_all(fd, file, buf + got, REGMAP_MAX_FILE_SIZE - got, &rest, err))
			goto close_fd;
		got += rest;
		if (got >= REGMAP_MAX_FILE_SIZE) {
			too_big(file, err);
			goto close_fd;
		}
	}
	close(fd);
	*size = got;
	return g_steal_pointer(&buf);
close_fd:
	close(fd);
	return NULL;
}

/* ---- parsing ---- */

struct refusal {
	bool refused;
	unsigned line;
	const char *what;
};

static void refuse(xmlParserCtxt *ctxt, const char *what)
{
	struct refusal *r = ctxt->_private;

	if (!r->refused) {
		r->refused = true;
		r->line = ctxt->input ? ctxt->input->line : 0;
		r->what = what;
	}
	xmlStopParser(ctxt);
}

/* A DOCTYPE is where entities and external DTDs come from: stop at the first sign of one. */
static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *eid,
			       const xmlChar *sid)
{
	refuse(ctx, "a DOCTYPE (entities and DTDs are not read)");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pid,
			   const xmlChar *sid, xmlChar *content)
{
	refuse(ctx, "an entity declaration (entities are not expanded)");
}

static xmlEntity *on_get_entity(void *ctx, const xmlChar *name)
{
	xmlEntity *predef = xmlGetPredefinedEntity(name);

	if (!predef)
		refuse(ctx, "a reference to an entity (entities are not expanded)");
	return predef;
}

static void quiet(void *data, xmlError *error)
{
}

static gsize init_once;

xmlDoc *regmap_xml_parse(const char *name, const char *text, size_t size, GError **err)
{
	struct refusal r = { 0 };
	xmlParserCtxt *ctxt;
	xmlDoc *doc;

	if (g_once_init_enter(&init_once)) {
		xmlInitParser();
		g_once_init_leave(&init_once, 1);
	}
	if (size > INT_MAX) {
		g_set_error(err, REGMAP_ERROR, EFBIG, "%s: too big", name);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		g_set_error(err, REGMAP_ERROR, ENOMEM, "%s: out of memory", name);
		return NULL;
	}
	ctxt->_private = &r;
	ctxt->sax->internalSubset = on_internal_subset;
	ctxt->sax->externalSubset = on_internal_subset;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->sax->getEntity = on_get_entity;
	ctxt->sax->serror = quiet;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	/* No NOENT and no DTDLOAD: entities stay unexpanded and nothing is fetched. */
	doc = xmlCtxtReadMemory(ctxt, text, (int)size, name, NULL,
				XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR |
				XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA |
				XML_PARSE_COMPACT | XML_PARSE_NOBLANKS);
	if (r.refused) {
		g_set_error(err, REGMAP_ERROR, EINVAL, "%s:%u: refused: %s", name, r.line, r.what);
		goto free_doc;
	}
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		g_autofree char *msg = g_strdup(e && e->message ? e->message : "not well-formed\n");

		g_set_error(err, REGMAP_ERROR, EINVAL, "%s:%d: malformed XML: %s", name,
			    e ? e->line : 0, g_strchomp(msg));
		goto free_doc;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
free_doc:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return NULL;
}

/* ---- walking ---- */

static bool is(const xmlNode *n, const xmlChar *ns, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
		return false;
	if (!ns)
		return n->ns == NULL;
	return n->ns && n->ns->href && !xmlStrcmp(n->ns->href, ns);
}

xmlNode *regmap_xml_child(const xmlNode *node, const xmlChar *ns, const char *name)
{
	for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

xmlNode *regmap_xml_next(const xmlNode *node)
{
	for (xmlNode *c = node->next; c; c = c->next)
		if (is(c, node->ns ? node->ns->href : NULL, (const char *)node->name))
			return c;
	return NULL;
}

char *regmap_xml_text(const xmlNode *node)
{
	xmlChar *s = xmlNodeGetContent(node);
	char *t = g_strstrip(g_strdup(s ? (const char *)s : ""));

	xmlFree(s);
	return t;
}

char *regmap_xml_child_text(const xmlNode *node, const xmlChar *ns, const char *name)
{
	xmlNode *c = regmap_xml_child(node, ns, name);

	return c ? regmap_xml_text(c) : NULL;
}

unsigned regmap_xml_line(const xmlNode *node)
{
	long line = xmlGetLineNo(node);

	return line > 0 ? (unsigned)line : 0;
}
