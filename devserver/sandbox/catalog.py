"""Static word lists the sandbox builds its fake Upwork data from (categories, skills, titles, names).

Everything here is constant: changing it changes every generated account, so treat edits as a data migration
(bump `DEFAULT_SEED` in `data.py` when you do).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    """One Upwork-style job category with its skills, typical hourly rate and job-title patterns."""

    id: str
    slug: str
    label: str
    median_rate: float
    skills: tuple[str, ...]
    titles: tuple[str, ...]  # "{skill}" is replaced by one of the job's skills
    profile_titles: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        id="531770282580668418",
        slug="web-mobile-software-dev",
        label="Web, Mobile & Software Dev",
        median_rate=45.0,
        skills=(
            "Python",
            "Django",
            "FastAPI",
            "React",
            "TypeScript",
            "Node.js",
            "AWS Lambda",
            "PostgreSQL",
            "GraphQL",
            "Docker",
            "Flutter",
            "REST API",
        ),
        titles=(
            "Build a {skill} backend for a logistics startup",
            "Senior {skill} developer for a SaaS dashboard",
            "Fix performance issues in our {skill} application",
            "Integrate Stripe payments into a {skill} web app",
            "Migrate a legacy PHP site to {skill}",
            "{skill} engineer needed for an MVP",
            "Add OAuth sign-in to an existing {skill} service",
            "Long-term {skill} contractor for an e-commerce team",
        ),
        profile_titles=(
            "Senior Python & Serverless Engineer",
            "Full-Stack Developer (React, Node.js)",
            "Backend Engineer — APIs, AWS, PostgreSQL",
        ),
    ),
    Category(
        id="531770282580668420",
        slug="data-science-analytics",
        label="Data Science & Analytics",
        median_rate=50.0,
        skills=(
            "Python",
            "Pandas",
            "Machine Learning",
            "SQL",
            "Tableau",
            "Power BI",
            "PyTorch",
            "Data Visualization",
            "Statistics",
            "ETL",
        ),
        titles=(
            "Build a churn prediction model with {skill}",
            "{skill} dashboard for monthly sales reporting",
            "Clean and merge CSV exports using {skill}",
            "Data analyst with {skill} for a market study",
            "Set up an {skill} pipeline from Shopify to BigQuery",
            "A/B test analysis using {skill}",
        ),
        profile_titles=(
            "Data Scientist — Forecasting & ML",
            "Analytics Engineer (SQL, dbt, Python)",
        ),
    ),
    Category(
        id="531770282580668421",
        slug="design-creative",
        label="Design & Creative",
        median_rate=35.0,
        skills=(
            "Figma",
            "UI Design",
            "Adobe Photoshop",
            "Adobe Illustrator",
            "Logo Design",
            "Branding",
            "UX Research",
            "Motion Graphics",
        ),
        titles=(
            "Redesign our mobile app screens in {skill}",
            "{skill} for a new coffee brand",
            "Landing page mock-ups ({skill})",
            "Pitch deck design with {skill}",
            "Need a {skill} expert for product illustrations",
        ),
        profile_titles=("Product Designer (UI/UX, Figma)", "Brand Identity Designer"),
    ),
    Category(
        id="531770282580668423",
        slug="writing",
        label="Writing",
        median_rate=30.0,
        skills=(
            "Copywriting",
            "Technical Writing",
            "SEO Writing",
            "Blog Writing",
            "Editing",
            "Ghostwriting",
            "Proofreading",
        ),
        titles=(
            "{skill} for a B2B software blog",
            "Weekly newsletter ({skill})",
            "API documentation — {skill}",
            "Website copy refresh, {skill} needed",
            "E-book chapter drafts ({skill})",
        ),
        profile_titles=("Technical Writer for Developer Tools", "B2B SaaS Copywriter"),
    ),
    Category(
        id="531770282580668422",
        slug="sales-marketing",
        label="Sales & Marketing",
        median_rate=35.0,
        skills=(
            "SEO",
            "Google Ads",
            "Facebook Ads",
            "Email Marketing",
            "Lead Generation",
            "Content Strategy",
            "HubSpot",
        ),
        titles=(
            "{skill} campaign for a DTC skincare brand",
            "Audit and improve our {skill}",
            "{skill} specialist for a product launch",
            "Monthly {skill} retainer",
        ),
        profile_titles=("Performance Marketer (Google & Meta Ads)", "SEO & Content Strategist"),
    ),
    Category(
        id="531770282580668416",
        slug="admin-support",
        label="Admin Support",
        median_rate=15.0,
        skills=("Data Entry", "Virtual Assistance", "Microsoft Excel", "Project Management", "Research"),
        titles=(
            "{skill} for a real-estate office",
            "Part-time {skill} assistant",
            "Short {skill} project: 500 records",
        ),
        profile_titles=("Virtual Assistant & Project Coordinator",),
    ),
    Category(
        id="531770282580668419",
        slug="it-networking",
        label="IT & Networking",
        median_rate=50.0,
        skills=("Linux", "AWS", "Kubernetes", "Terraform", "Network Security", "DevOps", "CI/CD"),
        titles=(
            "Set up {skill} for a staging environment",
            "{skill} consultant to review our cloud costs",
            "Harden our servers ({skill})",
            "{skill} engineer for a migration weekend",
        ),
        profile_titles=(
            "DevOps Engineer (AWS, Terraform, Kubernetes)",
            "Cloud & Network Security Consultant",
        ),
    ),
    Category(
        id="531770282580668424",
        slug="translation",
        label="Translation",
        median_rate=25.0,
        skills=("English", "Ukrainian", "German", "Spanish", "Localization", "Subtitling"),
        titles=(
            "Translate a product manual into {skill}",
            "{skill} localization of a mobile game",
            "Subtitle a training video ({skill})",
        ),
        profile_titles=("Translator & Localization Specialist",),
    ),
    Category(
        id="531770282580668426",
        slug="accounting-consulting",
        label="Accounting & Consulting",
        median_rate=40.0,
        skills=("Bookkeeping", "QuickBooks", "Financial Modeling", "Tax Preparation", "Business Analysis"),
        titles=(
            "{skill} for a small online store",
            "Build a {skill} spreadsheet for fundraising",
            "Quarterly {skill} help",
        ),
        profile_titles=("Fractional CFO & Financial Modeler",),
    ),
)

# Upwork's other top-level categories: a job may be published in them (`POST /_jobs`); no generated data
# uses them, so adding them changed no account.
PUBLISH_ONLY_CATEGORIES: tuple[Category, ...] = (
    Category(
        id="531770282580668417",
        slug="customer-service",
        label="Customer Service",
        median_rate=15.0,
        skills=("Customer Support", "Zendesk", "Live Chat", "Email Support"),
        titles=("{skill} agent for an online store",),
        profile_titles=("Customer Support Specialist",),
    ),
    Category(
        id="531770282584862720",
        slug="engineering-architecture",
        label="Engineering & Architecture",
        median_rate=45.0,
        skills=("AutoCAD", "SolidWorks", "3D Modeling", "Structural Engineering"),
        titles=("{skill} drawings for a small workshop",),
        profile_titles=("Mechanical Design Engineer",),
    ),
    Category(
        id="531770282584862721",
        slug="legal",
        label="Legal",
        median_rate=60.0,
        skills=("Contract Law", "Legal Writing", "Trademark Law", "GDPR"),
        titles=("{skill} review of a SaaS agreement",),
        profile_titles=("Commercial Lawyer",),
    ),
)
PUBLISHABLE: dict[str, Category] = {c.label: c for c in (*CATEGORIES, *PUBLISH_ONLY_CATEGORIES)}


FIRST_NAMES: tuple[str, ...] = (
    "Olena",
    "Andrii",
    "Maria",
    "James",
    "Aisha",
    "Diego",
    "Yuki",
    "Priya",
    "Lukas",
    "Fatima",
    "Noah",
    "Sofia",
    "Mateo",
    "Chloe",
    "Ivan",
    "Amara",
    "Kenji",
    "Lea",
    "Omar",
    "Grace",
)

LAST_NAMES: tuple[str, ...] = (
    "Kovalenko",
    "Shevchenko",
    "Garcia",
    "Smith",
    "Okafor",
    "Silva",
    "Tanaka",
    "Sharma",
    "Müller",
    "Haddad",
    "Johnson",
    "Rossi",
    "Fernandez",
    "Martin",
    "Petrenko",
    "Mensah",
    "Sato",
    "Dubois",
    "Nasser",
    "Brown",
)

COUNTRIES: tuple[tuple[str, str], ...] = (
    ("Ukraine", "Kyiv"),
    ("Poland", "Warsaw"),
    ("United States", "Austin"),
    ("India", "Bengaluru"),
    ("Philippines", "Manila"),
    ("Brazil", "São Paulo"),
    ("Germany", "Berlin"),
    ("Pakistan", "Lahore"),
    ("Nigeria", "Lagos"),
    ("Argentina", "Buenos Aires"),
    ("United Kingdom", "London"),
    ("Spain", "Madrid"),
)

CLIENT_NAMES: tuple[str, ...] = (
    "Northwind Labs",
    "Bluefin Commerce",
    "Acme Robotics",
    "Globex Health",
    "Lumen Analytics",
    "Riverstone Legal",
    "Helios Energy",
    "Kite Mobility",
    "Orchard Foods",
    "Pioneer Media",
    "Quanta Finance",
    "Summit Travel",
)

COVER_LETTER_OPENINGS: tuple[str, ...] = (
    "Hi! I have shipped several projects very close to this one and can start this week.",
    "Hello, your description matches what I do every day; here is how I would approach it.",
    "Hi there, I read your post carefully and have a few questions before we start.",
    "Good day! I can deliver this with tests and documentation, on a fixed timeline.",
)

TOP_RATED_STATUSES: tuple[str, ...] = ("none", "rising_talent", "top_rated", "top_rated_plus")
