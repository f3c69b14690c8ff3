"""Challenge and block pages as bot managers serve them in a page's place, written for the tests
from what each vendor's page is documented to carry (no third-party page is copied)."""

CLOUDFLARE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow"><style>body{margin:0}</style></head><body>
<div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">news.example.org</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
<div id="challenge-body-text">news.example.org needs to review the security of your connection.</div>
</div></div>
<script>(function(){window._cf_chl_opt={cvId: '2',cZone: 'news.example.org',cType: 'managed'};
var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1';
document.getElementsByTagName('head')[0].appendChild(a);}());</script></body></html>"""

INCAPSULA = """<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"></head>
<body style="margin:0px;height:100%">
<iframe id="main-iframe" src="/_Incapsula_Resource?SWUDNSAI=31&amp;incident_id=1-2"
frameborder=0 width="100%" height="100%">
Request unsuccessful. Incapsula incident ID: 1-2</iframe></body></html>"""

DATADOME = """<html><head><title>news.example.org</title><style>#cmsg{animation: A 1.5s;}</style></head>
<body style="margin:0"><p id="cmsg">Please enable JS and disable any ad blocker</p>
<script data-cfasync="false">var dd={'rt':'c','cid':'AHrlqAAAAAMA','hsh':'2013457ADA70C67D6A4123E0A76873',
'host':'geo.captcha-delivery.com'}</script><script src="https://ct.captcha-delivery.com/c.js"></script></body></html>"""

AKAMAI = """<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;news&#46;example&#46;org&#47;" on this server.<P>
Reference&#32;&#35;18&#46;5e3c1002&#46;1714650000&#46;1a2b3c4d
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;5e3c1002</P></BODY></HTML>"""

# No vendor named anywhere: the wording alone, on a page that says nothing else.
UNNAMED = """<html><head><title>Security check</title></head><body><div class="box">
<h1>Please verify you are a human</h1><p>Press &amp; Hold to confirm you are a human (and not a bot).</p>
<div id="holder"></div><p>Reference ID 7f1c2e</p></div>
<script src="/assets/check.js"></script></body></html>"""

APP_SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Knowledge for engineers</title>
<link href="/static/css/main.css" rel="stylesheet"></head><body>
<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/main.6e30f8c8.js"></script></body></html>"""

# A US newspaper's page for readers in the EU, in the article's place (status 200 or 451).
REGION = """<html><head><title>The Daily Example</title></head><body><div class="gdpr-message">
<h1>Our apologies</h1><p>Unfortunately, our website is currently unavailable in most European countries.
We are engaged on the issue and committed to looking at options that support our full range of digital
offerings to the EU market.</p></div></body></html>"""

# What a site serves at an article's address in the article's place, inside its own furniture
# (newscrawler.demo.chrome adds a menu, a cookie banner, ads and a footer).
SOFT_404 = (
    "Page not found – Daily Example",
    "<main><h1>Oops! That page can’t be found.</h1><p>It looks like nothing was found at this location. "
    "Maybe try one of the links below or a search?</p></main>",
)
TAKEN_DOWN = (
    "Daily Example",
    "<main><h1>Dieser Artikel ist nicht mehr verfügbar</h1><p>Der gesuchte Artikel ist nicht mehr online. "
    "Hier finden Sie unsere aktuellen Nachrichten.</p></main>",
)
CONSENT = (
    "Daily Example",
    "<main><h1>Before you continue</h1><p>We and our partners use cookies and data to deliver and maintain "
    "services, measure audience engagement and show personalised ads. Select Accept all to continue."
    "</p><button>Accept all</button><button>Reject all</button></main>",
)
AGE_GATE = (
    "Daily Example",
    "<main><h1>Are you over 18?</h1><p>You must be of legal drinking age to enter this site.</p>"
    "<button>Yes</button><button>No</button></main>",
)
# A news brief whose headline reads like a page taken down: a story, with its record.
BRIEF = (
    "iPhone 12 no longer available in France | Daily Example",
    "<main><article><h1>iPhone 12 no longer available in France</h1><p>Apple has stopped selling the "
    "iPhone 12 in France after regulators said the phone exceeded limits on radiation exposure. The "
    "company disputes the finding and says it will update the phone's software to meet the rules.</p>"
    "<p>The phone remains on sale elsewhere.</p></article></main>",
)

# A site down for maintenance, answering every address with this (status 200 or 503).
MAINTENANCE = """<!doctype html><html><head><title>Daily Example</title></head><body>
<div class="maintenance"><h1>We&rsquo;ll be back soon!</h1><p>Sorry for the inconvenience. We&rsquo;re
performing some maintenance at the moment and will be back online shortly.</p><p>&mdash; The Team</p>
</div></body></html>"""
