from django.urls import reverse


def test_sign_in_page_is_reachable(client, db):
    response = client.get(reverse("core:sign-in"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
