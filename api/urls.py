from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("districts", views.DistrictViewSet, basename="district")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("plan-items", views.PlanItemViewSet, basename="plan-item")
router.register("registry", views.RegistryViewSet, basename="award")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("collections", views.CollectionViewSet, basename="collection")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("calls", views.CallViewSet, basename="call")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocumentationView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
