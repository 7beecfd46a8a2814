"""Word lists the demo value generators draw from (public infrastructure, names, lures)."""

from __future__ import annotations

#: Public hosting prefixes often abused for criminal infrastructure, with their ASN.
HOSTING_V4: tuple[tuple[str, int], ...] = (
    ("167.99.0.0/16", 14061), ("159.89.0.0/16", 14061), ("138.68.0.0/16", 14061),
    ("51.75.0.0/16", 16276), ("145.239.0.0/16", 16276), ("54.36.0.0/16", 16276),
    ("95.216.0.0/16", 24940), ("65.108.0.0/16", 24940), ("116.203.0.0/16", 24940),
    ("172.105.0.0/16", 63949), ("139.162.0.0/16", 63949), ("45.77.0.0/16", 20473),
    ("149.28.0.0/16", 20473), ("161.97.0.0/16", 51167), ("185.244.0.0/16", 9009),
    ("94.232.0.0/16", 44477), ("77.91.0.0/16", 60781), ("193.233.0.0/16", 49505),
    ("107.175.0.0/16", 36352), ("91.92.0.0/16", 394711), ("103.153.0.0/16", 140227),
)  # fmt: skip

HOSTING_V6: tuple[tuple[str, int], ...] = (
    ("2a03:b0c0::/32", 14061), ("2a01:4f8::/32", 24940), ("2001:41d0::/32", 16276),
    ("2600:3c03::/32", 63949), ("2001:19f0::/32", 20473), ("2a02:c207::/32", 51167),
)  # fmt: skip

EXTRA_ASNS = (9009, 60781, 202425, 49505, 36352, 44477, 51381, 62240, 210644, 58061, 4134)

TLDS = (
    "com", "net", "org", "info", "top", "xyz", "online", "site", "shop", "live", "click",
    "icu", "cc", "io", "biz", "me", "co", "su", "ru", "store", "app", "cyou", "sbs", "lol",
)  # fmt: skip

WORDS = (
    "secure", "login", "account", "verify", "update", "portal", "billing", "support", "cloud",
    "docs", "share", "mail", "office", "track", "parcel", "delivery", "wallet", "invest",
    "crypto", "trade", "bank", "pay", "service", "auth", "online", "web", "my", "app", "help",
    "center", "connect", "sync", "cdn", "static", "api", "node", "data", "files", "drive",
    "signin", "notice", "refund", "tax", "claim", "bonus", "reward", "prime", "global",
)  # fmt: skip

BRANDS = (
    "nordbank", "postexpress", "swiftparcel", "meridianpay", "zenithtrust", "globalfreight",
    "atlasmail", "primecargo", "unionlink", "coralbank", "heliospay", "metrocard", "skyroute",
    "oakwealth", "tridentlogistics", "veritaspay", "bluewave", "crestline", "novacloud",
)  # fmt: skip

SYLLABLES = (
    "ka", "vo", "be", "lu", "do", "ri", "ne", "ta", "mi", "zo", "qu", "xe", "ro", "sa", "fi",
    "no", "te", "ga", "pu", "li", "ve", "da", "ko", "zu", "ha", "ji", "wo", "ce", "ly", "ba",
)  # fmt: skip

FREE_MAIL = (
    "gmail.com", "outlook.com", "proton.me", "yahoo.com", "mail.ru", "yandex.ru", "gmx.de",
    "tutanota.com", "hotmail.com", "icloud.com", "onionmail.org", "tuta.io",
)  # fmt: skip

FIRST = (
    "john", "maria", "alex", "david", "sofia", "mike", "anna", "james", "linda", "peter",
    "grace", "sam", "oliver", "nina", "victor", "lucas", "emma", "daniel", "chen", "ahmed",
)  # fmt: skip

LAST = (
    "smith", "brown", "wilson", "kowalski", "ivanov", "nguyen", "okafor", "garcia", "muller",
    "rossi", "tanaka", "khan", "johnson", "lee", "martin", "silva", "petrov", "adeyemi",
)  # fmt: skip

HANDLE_PARTS = (
    "dark", "shadow", "ghost", "cipher", "phantom", "zero", "root", "king", "lord", "vendor",
    "carder", "mule", "plug", "venom", "spectre", "hex", "void", "raven", "wolf", "snow",
    "crypt", "byte", "null", "fox", "titan", "blaze", "ice", "storm", "neo", "sly",
)  # fmt: skip

LURE_FILES = (
    "Invoice_{n}.pdf.exe", "Payment_Advice_{n}.iso", "DHL_Shipment_{n}.zip", "Scan_{n}.img",
    "Purchase_Order_{n}.xlsm", "Remittance_{n}.html", "Statement_{n}.one", "setup_{n}.msi",
    "Contract_{n}.docm", "Voice_Message_{n}.htm", "Tax_Refund_{n}.lnk", "Salary_Review_{n}.pdf.js",
)  # fmt: skip

TOOL_FILES = (
    "svchost32.exe", "update.js", "loader.dll", "rundll_helper.exe", "AnyDesk.exe",
    "rclone.exe", "mimikatz.exe", "PsExec64.exe", "netscan.exe", "cobalt.bin", "beacon.dll",
    "WinSCP.exe", "ngrok.exe", "wmiexec.py", "backup_tool.ps1",
)  # fmt: skip

RANSOM_NOTES = (
    "README_RESTORE.txt", "HOW_TO_DECRYPT.html", "RECOVER-FILES.txt", "!!!READ_ME!!!.txt",
    "restore_your_data.hta", "DECRYPT_INSTRUCTIONS.txt",
)  # fmt: skip

COMMON_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)",
    "python-requests/2.31.0",
    "curl/8.4.0",
    "Go-http-client/1.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
)

PHISH_PATHS = (
    "/login.php", "/secure/verify/index.html", "/auth/signin", "/o365/index.php",
    "/account/update.php", "/wp-content/plugins/{w}/{w}.php", "/{w}/{w}/next.php",
    "/webmail/{w}.html", "/track/{h}", "/verify?session={h}",
)  # fmt: skip

C2_PATHS = ("/gate.php", "/api/v1/beacon", "/submit.php", "/{h}/config.bin", "/jquery-3.3.1.min.js",
            "/ping", "/c2/{h}", "/panel/tasks.php")

DROP_PATHS = ("/files/{f}", "/download/{f}", "/dl/{h}/{f}", "/wp-includes/{f}", "/pub/{f}")
