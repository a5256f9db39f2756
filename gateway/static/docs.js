// The interactive API documentation of one dialect (gateway/docs.py): Swagger UI on the
// dialect's OpenAPI file, whose operations run against this gateway ("Try it out").
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
