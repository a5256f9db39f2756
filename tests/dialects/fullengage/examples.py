"""Seed 001's examples, exactly as the seed prints them (``test_examples_are_the_seeds`` checks)."""

from __future__ import annotations

SEED_URL = "https://your-app.com"
SEED_KEY = "ba_a1b2c3d4e5f6..."

CURL = {
    "list": r'''curl https://your-app.com/api/v1/clients \
-H "Authorization: Bearer ba_a1b2c3d4e5f6..."''',
    "list with filters": r'''curl "https://your-app.com/api/v1/clients?status=active&sortBy=name&sortOrder=asc&limit=10" \
-H "Authorization: Bearer ba_a1b2c3d4e5f6..."''',
    "get": r'''curl https://your-app.com/api/v1/clients/UUID_HERE \
-H "Authorization: Bearer ba_a1b2c3d4e5f6..."''',
    "create": r"""curl -X POST https://your-app.com/api/v1/clients \
-H "Authorization: Bearer ba_a1b2c3d4e5f6..." \
-H "Content-Type: application/json" \
-d '{"name":"John Doe","phone":"+1 555-1234"}'""",
    "update": r"""curl -X PATCH https://your-app.com/api/v1/clients/UUID_HERE \
-H "Authorization: Bearer ba_a1b2c3d4e5f6..." \
-H "Content-Type: application/json" \
-d '{"status":"inactive","notes":"No longer active"}'""",
    "delete": r'''curl -X DELETE https://your-app.com/api/v1/clients/UUID_HERE \
-H "Authorization: Bearer ba_a1b2c3d4e5f6..."''',
}

JAVASCRIPT = '''const API_KEY = "ba_a1b2c3d4e5f6...";
const BASE_URL = "https://your-app.com/api/v1";
// List clients
const response = await fetch(`${BASE_URL}/clients?limit=10&sortOrder=desc`, {
headers: { Authorization: `Bearer ${API_KEY}` },
});
const { data, total } = await response.json();
// Create a client
const createRes = await fetch(`${BASE_URL}/clients`, {
method: "POST",
headers: {
Authorization: `Bearer ${API_KEY}`,
"Content-Type": "application/json",
},
body: JSON.stringify({
name: "John Doe",
phone: "+1 555-1234",
}),
});
const { data: newClient } = await createRes.json();'''

PYTHON = '''import requests
API_KEY = "ba_a1b2c3d4e5f6..."
BASE_URL = "https://your-app.com/api/v1"
# List clients
response = requests.get(
f"{BASE_URL}/clients",
headers={"Authorization": f"Bearer {API_KEY}"},
params={"limit": 10, "sortOrder": "desc"},
)
data = response.json()
# Create a client
response = requests.post(
f"{BASE_URL}/clients",
headers={"Authorization": f"Bearer {API_KEY}"},
json={"name": "John Doe", "phone": "+1 555-1234"},
)
new_client = response.json()'''
